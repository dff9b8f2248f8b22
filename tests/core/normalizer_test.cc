#include "core/normalizer.h"

#include <catch2/catch.hpp>

#include "core/utf8.h"

namespace yuimaru::core {
namespace {

std::string N(std::string_view s) { return NormalizeToUtf8(s); }

TEST_CASE("Normalizer: the variants users expect to be equal normalize to one form",
          "[normalizer]") {
  auto [a, b] = GENERATE(table<std::string, std::string>({
      {"ＤＸ", "DX"},
      {"DX", "dx"},
      {"ｶﾀｶﾅ", "カタカナ"},
      {"ｶﾞｲﾄﾞ", "ガイド"},
      {"コンピュータ", "コンピューター"},
      {"サーバ", "サーバー"},
      {"6～20人", "6〜20人"},
      {"～", "〜"},
      {"㈱", "(株)"},
      {"1０％", "10%"},
      {"３ヶ月", "3か月"},
      {"3カ月", "3か月"},
      {"①現状把握", "1現状把握"},
      {"090ー1234", "090-1234"},
      {"０９８−１２３", "098-123"},
  }));
  CAPTURE(a, b);
  CHECK(N(a) == N(b));
}

TEST_CASE("Normalizer: folds that would change meaning are not applied", "[normalizer]") {
  CHECK(N("カー") == "カー");      // two-letter word keeps its long vowel
  CHECK(N("ルール") == "ルール");  // the mark inside a word stays
  CHECK(N("ケース") == "ケース");  // ケ is a counter only between a number and 月/所/国/年/条
  CHECK(N("ーー") == "ーー");
  CHECK(N("コンピューターシステム") == "コンピューターシステム");  // not at the end of the run
}

TEST_CASE("Normalizer: the offset map gives the same text and points back at the source",
          "[normalizer]") {
  const std::string source = GENERATE(std::string("ＤＸ推進とｶﾀｶﾅ㈱1０％、コンピューター。"),
                                      std::string("事業承継の相談（3ヶ月）"),
                                      std::string("𠮷野家と\u304B\u3099の結合文字"),
                                      std::string("plain ASCII Text"), std::string(""));
  const NormalizedText with = NormalizeWithOffsets(source);
  CHECK(with.text == Normalize(source));
  REQUIRE(with.source_offsets.size() == with.text.size() + 1);
  CHECK(with.source_offsets.back() == source.size());
  for (size_t i = 0; i + 1 < with.source_offsets.size(); ++i) {
    CHECK(with.source_offsets[i] <= with.source_offsets[i + 1]);
    CHECK(with.source_offsets[i] < source.size());
    // Every offset is the start of a UTF-8 sequence.
    CHECK((static_cast<unsigned char>(source[with.source_offsets[i]]) & 0xC0) != 0x80);
  }
}

TEST_CASE("Normalizer: index characters are letters, marks and digits", "[normalizer]") {
  for (char32_t c : std::u32string(U"aZ09日本カナかなー々〆")) CHECK(IsIndexChar(c));
  for (char32_t c : std::u32string(U" 、。・()%~-「」|/")) CHECK_FALSE(IsIndexChar(c));
}

TEST_CASE("Normalizer: invalid bytes become U+FFFD, with offsets as without", "[normalizer]") {
  // Found by fuzz/analyzer: the offset path decoded "\xE5\x86B" as one character and a lone
  // continuation byte as a Latin-1 letter (\xB2 read as 2).
  auto [input, expected] = GENERATE(table<std::string, std::u32string>({
      {"\xE5\x86"
       "B",
       U"\uFFFDb"},
      {"a\x81z", U"a\uFFFDz"},
      {"\xB2", U"\uFFFD"},
      {"\xC0\x80", U"\uFFFD\uFFFD"},
      {"\xED\xA0\x80", U"\uFFFD\uFFFD\uFFFD"},
      {"\xF4\x90\x80\x80x", U"\uFFFD\uFFFD\uFFFD\uFFFDx"},
  }));
  CHECK(Normalize(input) == expected);
  const NormalizedText with = NormalizeWithOffsets(input);
  CHECK(with.text == expected);
  REQUIRE(with.source_offsets.size() == expected.size() + 1);
  CHECK(with.source_offsets.back() == input.size());
}

}  // namespace
}  // namespace yuimaru::core
