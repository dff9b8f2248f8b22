#include "core/analyzer.h"

#include <catch2/catch.hpp>

#include "core/utf8.h"

namespace yuimaru::core {
namespace {

Analyzer MakeTestAnalyzer() {
  auto a = Analyzer::Create();
  REQUIRE(a);
  return std::move(*a);
}

std::vector<std::string> Words(const Analyzer& analyzer, std::string_view text) {
  const Analysis a = analyzer.Analyze(text);
  std::vector<std::string> out;
  for (const Word& w : a.words) out.push_back(EncodeUtf8(a.norm.substr(w.start, w.end - w.start)));
  return out;
}

TEST_CASE("Analyzer: width and case are folded before segmentation", "[analyzer]") {
  const Analyzer analyzer = MakeTestAnalyzer();
  auto [input, expected] = GENERATE(table<std::string, std::vector<std::string>>({
      {"ＤＸ推進", {"dx", "推進"}},
      {"ｶﾙﾃ", {"カルテ"}},
      {"東京都と京都", {"東京", "都", "と", "京都"}},
      {"事業承継・引継ぎ", {"事業", "承継", "引継ぎ"}},
  }));
  CAPTURE(input);
  CHECK(Words(analyzer, input) == expected);
}

TEST_CASE("Analyzer: every pair of adjacent index characters is a bigram with its position",
          "[analyzer]") {
  const std::u32string norm = Normalize("資金繰り表、dx化");
  std::vector<std::pair<uint32_t, std::string>> got;
  ForEachBigram(
      norm, [&](uint32_t pos, char32_t a, char32_t b) { got.emplace_back(pos, BigramTerm(a, b)); });
  const std::vector<std::pair<uint32_t, std::string>> expected = {
      {0, "B資金"}, {1, "B金繰"}, {2, "B繰り"}, {3, "Bり表"}, {6, "Bdx"}, {7, "Bx化"}};
  CHECK(got == expected);
}

TEST_CASE("Analyzer: particles alone and over-long tokens are not word terms", "[analyzer]") {
  CHECK_FALSE(IsIndexableWord(U"の"));
  CHECK(IsIndexableWord(U"港"));
  CHECK(IsIndexableWord(U"した"));
  CHECK_FALSE(IsIndexableWord(std::u32string(kMaxWordChars + 1, U'a')));
}

TEST_CASE(
    "Analyzer: one term generator: indexable words, then unigrams, bigrams, katakana trigrams",
    "[analyzer]") {
  const Analyzer analyzer = MakeTestAnalyzer();
  const Analysis a = analyzer.Analyze("ボートの事業");
  std::vector<std::string> seen;
  std::vector<TermKind> kinds;
  ForEachTextTerm(a.norm, a.words, [&](TermKind kind, uint32_t start, std::u32string_view s) {
    CHECK(a.norm.substr(start, s.size()) == s);  // the surface is where it says
    kinds.push_back(kind);
    seen.push_back(TermName(kind, s));
  });
  // の alone is a particle: no word term; every index character is a unigram (の too); every
  // adjacent pair of index characters is a bigram; ボート gives its katakana trigram.
  const std::vector<std::string> expected = {
      WordTerm(U"ボート"),      WordTerm(U"事業"),
      UnigramTerm(U'ボ'),       UnigramTerm(U'ー'),
      UnigramTerm(U'ト'),       UnigramTerm(U'の'),
      UnigramTerm(U'事'),       UnigramTerm(U'業'),
      BigramTerm(U'ボ', U'ー'), BigramTerm(U'ー', U'ト'),
      BigramTerm(U'ト', U'の'), BigramTerm(U'の', U'事'),
      BigramTerm(U'事', U'業'), TrigramTerm(U'ボ', U'ー', U'ト')};
  CHECK(seen == expected);
  CHECK(std::is_sorted(kinds.begin(), kinds.end()));
}

TEST_CASE("Analyzer: a clone segments like the original", "[analyzer]") {
  const Analyzer a = MakeTestAnalyzer();
  auto b = a.Clone();
  REQUIRE(b);
  CHECK(Words(a, "ローカルベンチマークで財務分析") == Words(*b, "ローカルベンチマークで財務分析"));
}

}  // namespace
}  // namespace yuimaru::core
