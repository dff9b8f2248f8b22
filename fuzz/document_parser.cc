// Fuzz target: one whole Markdown file through indexer::ParseDocument (size and UTF-8 checks,
// PII guard, YAML front matter, schema validation, Markdown, private sections, view checks).
//
// Invariants (indexer/document_parser.h, core/result.h):
//  * no exception escapes: errors are values;
//  * every error and warning has a rule and names the source; lines are 0 (unknown) or within
//    the file; columns are not negative;
//  * a document without errors has a doc_id, a body with LF line ends only, blocks with valid
//    UTF-8 text on lines of the file, each at least the document's level, a title at every
//    clearance, and private ranges inside the file.
#include "indexer/document_parser.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"

namespace {

using yuimaru::fuzz::IsUtf8;

// Lines as the parser counts them after its line end normalization (CRLF, CR and LF each end a
// line).
int LineCount(std::string_view text) {
  int lines = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      ++lines;
    }
  }
  return lines;
}

void CheckErrors(const std::vector<yuimaru::Error>& errors, std::string_view source, int lines) {
  for (const yuimaru::Error& e : errors) {
    FUZZ_CHECK(!e.rule.empty());
    FUZZ_CHECK(e.source == source);
    FUZZ_CHECK(e.line >= 0 && e.line <= lines + 1);
    FUZZ_CHECK(e.column >= 0);
    FUZZ_CHECK(IsUtf8(e.message));
    FUZZ_CHECK(IsUtf8(e.ToString()));
  }
}

void Check(std::string_view text, yuimaru::indexer::LintMode mode,
           const yuimaru::core::PiiOptions& pii) {
  using yuimaru::core::Clearance;
  constexpr std::string_view kSource = "corpus/cases/fuzz.md";
  const yuimaru::indexer::ParseOutcome out =
      yuimaru::indexer::ParseDocument(kSource, text, mode, pii);
  const int lines = LineCount(text);
  CheckErrors(out.errors, kSource, lines);
  CheckErrors(out.warnings, kSource, lines);
  if (!out.errors.empty()) return;
  const yuimaru::indexer::ParsedDoc& doc = out.doc;
  FUZZ_CHECK(IsUtf8(text));
  FUZZ_CHECK(!doc.doc_id.empty());
  FUZZ_CHECK(doc.body.find('\r') == std::string::npos);
  FUZZ_CHECK(doc.body_first_line >= 1 && doc.body_first_line <= lines + 1);
  for (const yuimaru::core::TextBlock& b : doc.blocks) {
    FUZZ_CHECK(IsUtf8(b.text));
    FUZZ_CHECK(b.line >= doc.body_first_line && b.line <= lines);
    FUZZ_CHECK(b.level >= doc.base);
  }
  for (const yuimaru::core::PrivateRange& r : doc.private_ranges) {
    FUZZ_CHECK(r.begin_line >= doc.body_first_line && r.begin_line <= r.end_line &&
               r.end_line <= lines);
  }
  for (const Clearance view :
       {Clearance::kPublic, Clearance::kInternal, Clearance::kConfidential}) {
    const std::string title = doc.TitleAt(view);
    FUZZ_CHECK(IsUtf8(title));
    FUZZ_CHECK(!title.empty());  // the doc_id at worst
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const yuimaru::core::PiiOptions kPii{{"山城酒造", "比嘉 花子"}};
  Check(text, yuimaru::indexer::LintMode::kLenient, kPii);
  Check(text, yuimaru::indexer::LintMode::kStrict, {});
  return 0;
}
