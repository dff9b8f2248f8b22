// Property: any run of two or more characters of a document's visible text, as a user might type
// it (in another width, case or spelling that normalizes the same), finds that document.
#include <catch2/catch.hpp>
#include <random>

#include "core/normalizer.h"
#include "core/utf8.h"
#include "indexer/document_parser.h"
#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

// Width variants a user may type: ASCII as full-width, hiragana kept, katakana as is.
std::string Widen(const std::u32string& s) {
  std::u32string out;
  for (char32_t c : s) out.push_back(c >= U'!' && c <= U'~' ? c - U'!' + 0xFF01 : c);
  return core::EncodeUtf8(out);
}

TEST_CASE("substring recall: sampled substrings of every document find it", "[disk][recall]") {
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), corpus.string()}).exit_code == 0);
  std::mt19937 rng(20261125);
  std::string batch;
  std::vector<std::string> expected;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus)) {
    if (e.path().extension() != ".md") continue;
    const std::string text = ReadFile(e.path());
    const auto parsed =
        indexer::ParseDocument(e.path().string(), text, indexer::LintMode::kLenient);
    REQUIRE(parsed.errors.empty());
    std::vector<std::u32string> runs;  // runs of index characters in visible text
    for (const auto& b : parsed.doc.blocks) {
      const std::u32string n = core::Normalize(b.text);
      size_t i = 0;
      while (i < n.size()) {
        while (i < n.size() && !core::IsIndexChar(n[i])) ++i;
        size_t end = i;
        while (end < n.size() && core::IsIndexChar(n[end])) ++end;
        if (end - i >= 2) runs.push_back(n.substr(i, end - i));
        i = end;
      }
    }
    if (runs.empty()) continue;
    for (int k = 0; k < 20; ++k) {
      const std::u32string& run = runs[rng() % runs.size()];
      const size_t len = 2 + rng() % std::min<size_t>(run.size() - 1, 11);
      const size_t start = rng() % (run.size() - len + 1);
      const std::u32string sub = run.substr(start, len);
      const std::string typed = (k % 3 == 0) ? Widen(sub) : core::EncodeUtf8(sub);
      batch += "\"" + typed + "\" id:" + parsed.doc.doc_id + "\n";
      expected.push_back(typed);
    }
  }
  REQUIRE(expected.size() > 3000);
  WriteFile(t / "q.txt", batch);
  const CommandResult r = Yuimaru(
      {"search", "--db", (t / "db").string(), "--limit", "1", "--batch", (t / "q.txt").string()});
  REQUIRE(r.exit_code == 0);
  const auto lines = r.JsonLines();
  REQUIRE(lines.size() == expected.size());
  size_t misses = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i]["total"] != 1) {
      ++misses;
      UNSCOPED_INFO("missed: " << lines[i]["query"].get<std::string>());
    }
  }
  CHECK(misses == 0);
}

}  // namespace
}  // namespace yuimaru::testing
