// RunLint: the checks of an index run over files, without an index.
#include <map>
#include <optional>

#include "indexer/corpus_reader.h"
#include "indexer/document_parser.h"
#include "indexer/index_plan.h"
#include "indexer/indexer.h"
#include "indexer/parallel.h"

namespace yuimaru::indexer {
namespace fs = std::filesystem;

Result<LintReport> RunLint(const std::vector<fs::path>& paths, LintStrictness strictness,
                           const core::PiiOptions& pii) {
  auto listing = CollectFiles(paths);
  if (!listing) return listing.error();
  const std::vector<SourceFile>* files = &listing->files;
  const LintMode mode =
      strictness == LintStrictness::kStrict ? LintMode::kStrict : LintMode::kLenient;
  LintReport report;
  for (auto& e : listing->errors) {
    ++report.rejected_files;
    report.errors.push_back(std::move(e));
  }
  for (auto& w : listing->warnings) report.warnings.push_back(std::move(w));
  report.files = files->size();
  std::vector<ParseOutcome> outcomes(files->size());
  std::vector<std::optional<Error>> read_errors(files->size());
  ParallelFor(files->size(), ThreadCount(0), [&](int, size_t i) {
    auto data = ReadFile((*files)[i].path, kMaxFileBytes);
    if (!data) {
      read_errors[i] = data.error();
      return;
    }
    outcomes[i] = ParseDocument((*files)[i].path, *data, mode, pii);
  });
  for (auto& o : outcomes) {
    for (auto& w : o.warnings) report.warnings.push_back(std::move(w));
  }
  // The first valid file in path order owns its doc_id; the others are duplicates. Files are
  // told apart by their path here (each is listed once).
  DocIdOwners owners;
  for (size_t i = 0; i < files->size(); ++i) {
    if (!outcomes[i].errors.empty() || read_errors[i]) continue;
    owners.Hold(outcomes[i].doc.doc_id, (*files)[i].path, (*files)[i].path);
  }
  for (size_t i = 0; i < files->size(); ++i) {
    std::vector<Error> errors = std::move(outcomes[i].errors);
    if (read_errors[i]) errors.push_back(*read_errors[i]);
    const ParsedDoc& doc = outcomes[i].doc;
    const std::string& path = (*files)[i].path;
    if (errors.empty()) {
      if (auto claimed = owners.Claim(doc.doc_id, path, path, doc.doc_id_line); !claimed) {
        errors.push_back(claimed.error());
      }
    }
    if (errors.empty() && mode == LintMode::kStrict) {
      for (const DocRef& ref : doc.related_refs) {
        if (owners.Owns(ref.id)) continue;
        Error e = MakeError(ErrorCode::kInvalidInput, "front-matter." + ref.key + ".unknown-id",
                            (ref.key == "uses_cases" ? "使用事例「" : "関連文書「") + ref.id +
                                "」が見つかりません");
        e.source = path;
        e.line = ref.line;
        errors.push_back(std::move(e));
      }
    }
    if (!errors.empty()) {
      ++report.rejected_files;
      for (auto& e : errors) report.errors.push_back(std::move(e));
    }
  }
  return report;
}

}  // namespace yuimaru::indexer
