#include "core/pii.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace yuimaru::core {
namespace {

std::vector<std::pair<std::string, std::string>> ReadTsv(const std::string& name) {
  std::ifstream in(std::string(YUIMARU_SOURCE_DIR) + "/tests/data/pii/" + name);
  REQUIRE(in);
  std::vector<std::pair<std::string, std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    std::string text = tab == std::string::npos ? line : line.substr(tab + 1);
    // Escapes for what a TSV line cannot hold: line breaks and U+2028.
    for (const auto& [from, to] :
         std::vector<std::pair<std::string, std::string>>{{"\\n", "\n"}, {"\\u2028", "\u2028"}}) {
      for (size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
        text.replace(p, from.size(), to);
      }
    }
    rows.emplace_back(tab == std::string::npos ? "" : line.substr(0, tab), text);
  }
  return rows;
}

// The guard as the indexer runs it on a body: the typed lines and what a reader sees.
std::vector<PiiFinding> Guard(const std::string& text) {
  std::vector<PiiFinding> found = FindPii(text, {});
  const auto blocks = ReadMarkdown(text, 1, Clearance::kPublic).blocks;
  for (auto& f : FindPiiInBlocks(blocks, text, found, {})) found.push_back(std::move(f));
  return found;
}

std::string Rules(const std::vector<PiiFinding>& found) {
  std::string s;
  for (const auto& f : found) s += f.rule + "@" + std::to_string(f.column) + " ";
  return s;
}

TEST_CASE("check digits of 法人番号 and マイナンバー follow DOMAIN.md §6.4's vectors") {
  CHECK(ValidCorporateNumber("7123456789012"));
  CHECK(ValidCorporateNumber("5835678256246"));
  CHECK(ValidCorporateNumber("7010705000725"));
  CHECK_FALSE(ValidCorporateNumber("2835678256246"));
  CHECK_FALSE(ValidCorporateNumber("0123456789012"));
  CHECK_FALSE(ValidCorporateNumber("712345678901"));

  CHECK(ValidMyNumber("123456789018"));
  CHECK(ValidMyNumber("621498320257"));
  CHECK(ValidMyNumber("111111111118"));
  CHECK(ValidMyNumber("000000000000"));
  CHECK_FALSE(ValidMyNumber("123456789012"));
  CHECK_FALSE(ValidMyNumber("621498320258"));
  CHECK_FALSE(ValidMyNumber("12345678901"));
}

TEST_CASE("every seeded PII line is caught by its rule (recall 100%)") {
  const auto rows = ReadTsv("seeded.tsv");
  REQUIRE(rows.size() >= 50);
  int caught = 0;
  for (const auto& [rule, line] : rows) {
    const auto found = Guard(line);
    INFO(rule << " | " << line << " → " << Rules(found));
    bool hit = false;
    for (const auto& f : found) hit = hit || f.rule == rule;
    CHECK(hit);
    caught += hit ? 1 : 0;
  }
  // The figure the issue asks to measure.
  WARN("seeded PII recall: " << caught << "/" << rows.size());
}

TEST_CASE("number-like lines without personal data raise nothing") {
  for (const auto& [unused, line] : ReadTsv("clean.tsv")) {
    INFO(line);
    CHECK(Rules(Guard(line)).empty());
  }
}

TEST_CASE("PII hidden in markup is found where the reader sees it, not twice where typed") {
  // Rendered-only findings carry the block's first line; the raw one keeps its column.
  const std::string split = "前文。\n\n番号は 1234**5678**\n9018 です。\n";
  const auto found = Guard(split);
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule == "pii/my-number");
  CHECK(found[0].line == 3);
  CHECK(found[0].masked.find("5678") == std::string::npos);
  CHECK(Guard("個人番号 1234 5678 9018\n").size() == 1);
  // A decoy: the same visible text elsewhere in the file (a comment) does not hide the block.
  const auto decoy = Guard("<!-- 携帯 090-1234-56780 -->\n\n携帯 090-1234-**5678**\n");
  bool phone = false;
  for (const auto& f : decoy) phone = phone || (f.rule == "pii/phone" && f.line == 3);
  CHECK(phone);
  // An allow marker on the block's lines exempts the rendered reading too.
  CHECK(Guard("窓口 0120-**123**-456 <!-- pii-allow: 公的機関の公開番号 -->\n").empty());
}

TEST_CASE("findings point at the original line and column and print only a masked form") {
  const std::string text = "# 訪問メモ\n\n担当：K-07\n電話は ０９８－１２３－４５６７ まで\n";
  const auto found = FindPii(text, {});
  REQUIRE(found.size() == 1);
  CHECK(found[0].rule == "pii/phone");
  CHECK(found[0].line == 4);
  CHECK(found[0].column == 5);
  CHECK(text.substr(found[0].begin, found[0].end - found[0].begin) == "０９８－１２３－４５６７");
  CHECK(found[0].masked.find("１２３") == std::string::npos);
  CHECK(found[0].masked.find('*') != std::string::npos);
}

TEST_CASE("an allow marker with a reason exempts its line only") {
  const std::string allowed =
      "相談窓口 0120-123-456 <!-- pii-allow: 公的機関の公開窓口番号 -->\n別の番号 0120-987-654\n";
  const auto found = FindPii(allowed, {});
  REQUIRE(found.size() == 1);
  CHECK(found[0].line == 2);
  // A marker without a reason does not count.
  CHECK(FindPii("相談窓口 0120-123-456 <!-- pii-allow: -->", {}).size() == 1);
}

TEST_CASE("deny-list names are found after normalization, whatever their width") {
  PiiOptions options;
  options.deny_list = {"比嘉商店", "ヤマトＤＸ"};
  const auto found = FindPii("同社（比嘉商店）と ﾔﾏﾄdx の協業", options);
  REQUIRE(found.size() == 2);
  CHECK(found[0].rule == "pii/deny-list");
  CHECK(found[1].rule == "pii/deny-list");
  CHECK(found[0].masked.find("商店") == std::string::npos);
  CHECK(FindPii("同社と協業", options).empty());
}

TEST_CASE("RedactPii replaces each finding by its rule") {
  CHECK(RedactPii("連絡 090-1234-5678 と a@b.jp", {}) == "連絡 [pii/phone] と [pii/email]");
  CHECK(RedactPii("空き店舗 那覇", {}) == "空き店舗 那覇");
}

}  // namespace
}  // namespace yuimaru::core

namespace yuimaru::core {
namespace {

TEST_CASE("anonymize: mapped names become ids, whatever their width and spacing", "[pii]") {
  const std::vector<std::pair<std::string, std::string>> map = {
      {"山城酒造", "C-0123"}, {"比嘉 花子", "K-07"}, {"山城", "C-0123"}, {"ＡＢＣ商事", "C-0200"}};
  const AnonymizeResult r = AnonymizeText(
      "比嘉花子が山城酒造を訪問。山城社長、abc商事の担当、比嘉 花子。ＡＢＣ 商事とも。", map);
  CHECK(r.text == "K-07がC-0123を訪問。C-0123社長、C-0200の担当、K-07。C-0200とも。");
  CHECK(r.replaced == 6);
  // Nothing mapped: the text comes back byte for byte.
  const std::string plain = "研修の振り返り（ＤＸ推進）";
  CHECK(AnonymizeText(plain, map).text == plain);
  CHECK(AnonymizeText(plain, map).replaced == 0);
}

// std::regex recurses once per character a quantifier takes: a line of a few hundred thousand
// URL, handle or address characters overflowed the stack and killed index and lint. Every
// trigger's alphabet, as one long line; a real finding placed across the edge of the matcher's
// windows and at the very end must still be found.
TEST_CASE("PII: lines of hundreds of thousands of characters are read, findings at any offset",
          "[pii]") {
  const size_t n = 300000;
  const std::vector<std::string> lines = {
      std::string(n, 'a') + ".",
      "http://example.org/" + std::string(n, 'a'),
      "@" + std::string(n, 'a'),
      std::string(n, 'a') + "@",
      std::string(n, '1'),
      "<!-- pii-allow: " + std::string(n, 'x'),
      "那覇市" + std::string(n, 'x') + "1丁目",
  };
  for (const auto& line : lines) {
    CAPTURE(line.substr(0, 24));
    const auto found = FindPii("本文\n" + line + "\n", {});
    for (const auto& f : found) CHECK(f.line == 2);
  }
  for (size_t at : {size_t{0}, size_t{4090}, size_t{4096 * 3 - 2}, n}) {
    CAPTURE(at);
    std::string line(n, 'x');
    line.insert(at, " taro.yamada@example.co.jp ");
    const auto found = FindPii(line, {});
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule == "pii/email");
    CHECK(found[0].begin == at + 1);
    CHECK(found[0].end == at + 1 + std::string("taro.yamada@example.co.jp").size());
  }
}

}  // namespace
}  // namespace yuimaru::core
