#include "search/snippet.h"

#include <catch2/catch.hpp>

#include "core/normalizer.h"
#include "core/utf8.h"

namespace yuimaru::search {
namespace {

std::vector<core::TextBlock> Blocks(const std::vector<std::string>& texts) {
  std::vector<core::TextBlock> out;
  for (const auto& t : texts) {
    core::TextBlock b;
    b.text = t;
    out.push_back(b);
  }
  return out;
}

std::string Plain(const std::vector<SnippetPart>& parts) {
  std::string s;
  for (const auto& p : parts) s += p.text;
  return s;
}

std::vector<std::string> Marked(const std::vector<SnippetPart>& parts) {
  std::vector<std::string> out;
  for (const auto& p : parts) {
    if (p.match) out.push_back(p.text);
  }
  return out;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST_CASE("Snippet: the passage around the match, 100-160 characters, with ellipses", "[snippet]") {
  const std::string before = Repeat("前置きの文章です。", 30);
  const std::string after = Repeat("続きの文章です。", 30);
  const auto parts = MakeSnippet(Blocks({before + "ここで事業承継の話をした。" + after}),
                                 {core::Normalize("事業承継")});
  const std::string plain = Plain(parts);
  const size_t chars = core::CountCodePoints(plain) - 2;  // minus the two ellipses
  CHECK(chars >= kSnippetMinChars);
  CHECK(chars <= kSnippetMaxChars);
  CHECK(plain.rfind(kEllipsis, 0) == 0);
  CHECK(plain.size() >= 3);
  CHECK(plain.compare(plain.size() - 3, 3, kEllipsis) == 0);
  CHECK(Marked(parts) == std::vector<std::string>{"事業承継"});
}

TEST_CASE("Snippet: matches are marked in the original spelling, whole words and parts of words",
          "[snippet]") {
  const auto parts =
      MakeSnippet(Blocks({"ＤＸ推進とｶﾀｶﾅの資金繰り表を作った。"}),
                  {core::Normalize("dx"), core::Normalize("カタカナ"), core::Normalize("資金")});
  CHECK(Marked(parts) == std::vector<std::string>{"ＤＸ", "ｶﾀｶﾅ", "資金"});
  CHECK(Plain(parts) == "ＤＸ推進とｶﾀｶﾅの資金繰り表を作った。");  // short text: no ellipsis
}

TEST_CASE("Snippet: never cuts a surrogate pair or separates a combining mark", "[snippet]") {
  // 𠮷 is outside the BMP (a surrogate pair in UTF-16); か + U+3099 is a base with a mark.
  const std::string unit = "𠮷\u304B\u3099";
  const auto parts = MakeSnippet(Blocks({Repeat(unit, 200) + "承継" + Repeat(unit, 200)}),
                                 {core::Normalize("承継")});
  const std::string plain = Plain(parts);
  CHECK(core::FindInvalidUtf8(plain) == std::string_view::npos);
  const std::u32string cps = *core::DecodeUtf8(plain);
  for (size_t i = 1; i < cps.size(); ++i) {
    if (cps[i] == 0x3099) CHECK(cps[i - 1] == U'か');
  }
  CHECK(Marked(parts) == std::vector<std::string>{"承継"});
}

TEST_CASE("Snippet: without a match the document's beginning is shown", "[snippet]") {
  const auto parts =
      MakeSnippet(Blocks({"最初の段落。", "次の段落。"}), {core::Normalize("無関係")});
  CHECK(Plain(parts) == "最初の段落。 ／ 次の段落。");
  CHECK(Marked(parts).empty());
}

}  // namespace
}  // namespace yuimaru::search
