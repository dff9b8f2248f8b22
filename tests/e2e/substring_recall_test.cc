// Property: any run of one or more characters of a document's visible text, as written in the
// file or as a user might type it (in another width, case or spelling that normalizes the same),
// finds that document; a single character finds exactly the documents whose text has it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>

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

// Calls f(file text, parsed document) for every Markdown file of the corpus.
template <typename F>
void ForEachCorpusDoc(const std::filesystem::path& corpus, F&& f) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus)) {
    if (e.path().extension() != ".md") continue;
    const std::string text = ReadFile(e.path());
    const auto parsed =
        indexer::ParseDocument(e.path().string(), text, indexer::LintMode::kLenient);
    REQUIRE(parsed.errors.empty());
    f(text, parsed.doc);
  }
}

TEST_CASE("substring recall: sampled substrings of every document find it", "[disk][recall]") {
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), corpus.string()}).exit_code == 0);
  std::mt19937 rng(20261125);
  std::string batch;
  std::vector<std::string> expected;
  ForEachCorpusDoc(corpus, [&](const std::string&, const indexer::ParsedDoc& doc) {
    // Runs of the visible text as written (before normalization: the folds that read context,
    // サイドミラー → サイドミラ, must not hide its tail ミラー), of characters that normalize
    // to index characters.
    std::vector<std::u32string> runs;
    for (const auto& b : doc.blocks) {
      const auto raw = core::DecodeUtf8(b.text);
      REQUIRE(raw);
      std::u32string run;
      for (char32_t c : *raw) {
        const std::u32string n = core::Normalize(core::EncodeUtf8(std::u32string(1, c)));
        if (!n.empty() && std::all_of(n.begin(), n.end(), core::IsIndexChar)) {
          run.push_back(c);
          continue;
        }
        if (!run.empty()) runs.push_back(run);
        run.clear();
      }
      if (!run.empty()) runs.push_back(run);
    }
    if (runs.empty()) return;
    auto add = [&](const std::u32string& sub, bool widen) {
      const std::string typed = widen ? Widen(sub) : core::EncodeUtf8(sub);
      batch += "\"" + typed + "\" id:" + doc.doc_id + "\n";
      expected.push_back(typed);
    };
    for (int k = 0; k < 20; ++k) {
      const std::u32string& run = runs[rng() % runs.size()];
      // One character in a quarter of the samples, else 1 to 12.
      const size_t len = k % 4 == 1 ? 1 : 1 + rng() % std::min<size_t>(run.size(), 12);
      const size_t start = rng() % (run.size() - len + 1);
      add(run.substr(start, len), k % 3 == 0);
    }
    // Every tail of a katakana word that ends in a long-vowel mark (キャッシュフロー → フロー,
    // ロー), where the folds differ between the word and its tail.
    for (const std::u32string& run : runs) {
      for (size_t end = 0; end < run.size(); ++end) {
        if (run[end] != U'ー' || (end + 1 < run.size() && core::IsKatakana(run[end + 1]))) continue;
        for (size_t start = end; start > 0 && core::IsKatakana(run[start - 1]); --start) {
          add(run.substr(start - 1, end - start + 2), false);
        }
      }
    }
  });
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

TEST_CASE("substring recall: one character finds exactly the documents that have it",
          "[disk][recall]") {
  TempDir t;
  const auto corpus = SourceDir() / "corpus";
  REQUIRE(Yuimaru({"index", "--db", (t / "db").string(), corpus.string()}).exit_code == 0);
  // Each character → the documents whose visible text (at 機密) has it, and those whose file,
  // metadata labels included, has it: the search's answer must lie between the two.
  std::map<char32_t, std::set<std::string>> in_text, in_file;
  ForEachCorpusDoc(corpus, [&](const std::string& text, const indexer::ParsedDoc& doc) {
    const std::string& id = doc.doc_id;
    for (const auto& b : doc.blocks) {
      for (char32_t c : core::Normalize(b.text)) {
        if (core::IsIndexChar(c)) in_text[c].insert(id);
      }
    }
    std::string all = text;
    for (const auto& [key, labels] : doc.facets) {
      for (const auto& l : labels) all += "\n" + l;
    }
    for (char32_t c : core::Normalize(all)) {
      if (core::IsIndexChar(c)) in_file[c].insert(id);
    }
  });
  // The characters of the issue (営 was in 162 documents and found 0), and a sample of the rest:
  // kanji, kana, Latin letters and digits alike; 何 alone is a question word and weighs nothing.
  std::vector<char32_t> chars = {U'営', U'承', U'市', U'課', U'株', U'県',
                                 U'税', U'a',  U'1',  U'の', U'何'};
  std::mt19937 rng(20261207);
  std::vector<char32_t> all_chars;
  for (const auto& [c, ids] : in_text) all_chars.push_back(c);
  std::shuffle(all_chars.begin(), all_chars.end(), rng);
  for (size_t i = 0; i < all_chars.size() && i < 300; ++i) chars.push_back(all_chars[i]);
  std::string batch;
  for (char32_t c : chars) batch += core::EncodeUtf8(std::u32string(1, c)) + "\n";
  WriteFile(t / "q.txt", batch);
  const CommandResult r = Yuimaru(
      {"search", "--db", (t / "db").string(), "--limit", "500", "--batch", (t / "q.txt").string()});
  REQUIRE(r.exit_code == 0);
  const auto lines = r.JsonLines();
  REQUIRE(lines.size() == chars.size());
  for (size_t i = 0; i < chars.size(); ++i) {
    const char32_t c = chars[i];
    CAPTURE(core::EncodeUtf8(std::u32string(1, c)));
    const auto& j = lines[i];
    REQUIRE(j["total_exact"] == true);
    CHECK(j["partial_total"] == 0);
    std::set<std::string> found;
    for (const auto& h : j["hits"]) found.insert(h["id"].get<std::string>());
    CHECK(j["total"] == found.size());
    for (const auto& id : in_text[c]) {
      CAPTURE(id);
      CHECK(found.count(id) == 1);
    }
    for (const auto& id : found) {
      CAPTURE(id);
      CHECK(in_file[c].count(id) == 1);
    }
  }
}

}  // namespace
}  // namespace yuimaru::testing
