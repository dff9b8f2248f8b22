#include "indexer/publication_gate.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "indexer/document_parser.h"

namespace yuimaru::indexer {
namespace {

// A public copy that passes every rule: the passing half of each table row below.
constexpr char kPublicCopy[] = R"(---
doc_id: CS-2024-007-P
doc_type: 支援事例
title: 家族経営の食品製造業で承継の段取りを言語化（公開用）
date: 2025-03-14
fiscal_year: 2024
confidentiality: 公開
status: 公開承認済
industry: 製造業
region: 北部
employees: 6〜20人
support_period: {start: 2024-06-12, end: 2025-02-28}
publication: {source_doc: CS-2024-007, approved_by: S-03, approved_on: 2025-03-20, consent: true}
tags: [後継者育成]
---

# 支援事例

## 企業プロフィール（区分のみ）
売上規模は1億〜5億円未満、従業員は6〜20人。支援チームが2人で訪問した。

<!-- private:begin level="内部" reason="取引先情報" -->
C-0123 と K-07 は名護市で会った。売上 3億2千万。
<!-- private:end -->
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::vector<std::string> Rules(const ParseOutcome& r) {
  std::vector<std::string> rules;
  for (const auto& w : r.warnings) {
    if (w.rule.starts_with("publish/")) rules.push_back(w.rule);
  }
  return rules;
}

TEST_CASE("PublicationGate: a public copy that keeps every rule is read at 公開",
          "[publication_gate]") {
  const ParseOutcome r = ParseDocument("p.md", kPublicCopy, LintMode::kLenient);
  for (const auto& e : r.errors) WARN(e.ToString());
  CHECK(r.errors.empty());
  CHECK(Rules(r).empty());
  CHECK(r.doc.base == core::Clearance::kPublic);
}

TEST_CASE(
    "PublicationGate: each broken rule is a warning at its place and the document moves "
    "to 内部",
    "[publication_gate]") {
  auto [from, to, rule, line, column] =
      GENERATE(table<std::string, std::string, std::string, int, int>({
          {"doc_type: 支援事例", "doc_type: 企業カルテ", "publish/doc-type", 7, 18},
          {"doc_type: 支援事例", "doc_type: 訪問メモ", "publish/doc-type", 7, 18},
          {"status: 公開承認済", "status: 下書き", "publish/status", 8, 9},
          {"status: 公開承認済", "status: 確定", "publish/status", 8, 9},
          {"consent: true}", "consent: false}", "publish/consent", 13, 93},
          {"region: 北部\n", "region: 北部\ncompany_id: C-0123\n", "publish/field", 11, 13},
          {"region: 北部\n", "region: 北部\nconsultants: [K-07]\n", "publish/field", 11, 14},
          {"region: 北部\n", "region: 北部\nmunicipality: 名護市\n", "publish/field", 11, 15},
          {"tags: [後継者育成]", "tags: [後継者育成, K-07]", "publish/handler-id", 14, 15},
          {"（公開用）", "（C-0123）", "publish/company-id", 4, 30},
          {"支援チームが2人", "C-0123 の支援チームが2人", "publish/company-id", 20, 25},
          {"支援チームが2人", "K-07が2人", "publish/handler-id", 20, 25},
          {"支援チームが2人", "名護市の支援チームが2人", "publish/municipality", 20, 25},
          {"支援チームが2人", "支援チームが23人", "publish/headcount", 20, 31},
          {"支援チームが2人", "売上高は1,234万円", "publish/money", 20, 29},
          {"支援チームが2人", "経営者は67歳", "publish/age", 20, 29},
          {"支援チームが2人", "https://tsurubami-shoten.jp/a を参照", "publish/pii-review", 20, 25},
      }));
  const std::string text = Replace(kPublicCopy, from, to);
  const ParseOutcome r = ParseDocument("p.md", text, LintMode::kLenient);
  for (const auto& e : r.errors) WARN(e.ToString());
  const std::vector<std::string> rules = Rules(r);
  REQUIRE(rules.size() >= 1);
  CHECK(std::find(rules.begin(), rules.end(), rule) != rules.end());
  for (const auto& w : r.warnings) {
    if (w.rule != rule) continue;
    CHECK(w.line == line);
    CHECK(w.column == column);
    CHECK(w.source == "p.md");
    CHECK(w.ToString().find("p.md:" + std::to_string(line) + ":") == 0);
    break;
  }
  CHECK(r.doc.base == core::Clearance::kInternal);
  for (const auto& b : r.doc.blocks) CHECK(b.level != core::Clearance::kPublic);
}

TEST_CASE("PublicationGate: a document that is not 公開 is not checked", "[publication_gate]") {
  const std::string text =
      Replace(Replace(kPublicCopy, "confidentiality: 公開", "confidentiality: 内部"),
              "支援チームが2人", "C-0123 の K-07 が名護市で23人");
  const ParseOutcome r = ParseDocument("p.md", text, LintMode::kLenient);
  CHECK(Rules(r).empty());
  CHECK(r.doc.base == core::Clearance::kInternal);
}

TEST_CASE("PublicationGate: a training sheet needs no consent, a case report does",
          "[publication_gate]") {
  std::string text = Replace(kPublicCopy, "doc_id: CS-2024-007-P", "doc_id: TR-2024-05");
  text = Replace(text, "doc_type: 支援事例", "doc_type: 研修資料");
  text = Replace(text, "consent: true}", "consent: false}");
  CHECK(Rules(ParseDocument("t.md", text, LintMode::kLenient)).empty());
  const std::string no_publication =
      Replace(kPublicCopy,
              "publication: {source_doc: CS-2024-007, approved_by: S-03, approved_on: 2025-03-20, "
              "consent: true}\n",
              "");
  CHECK(Rules(ParseDocument("p.md", no_publication, LintMode::kLenient)) ==
        std::vector<std::string>{"publish/consent"});
}

TEST_CASE("PublicationGate: the class of each text rule, not one spelling", "[publication_gate]") {
  auto [line, rule, found] = GENERATE(table<std::string, std::string, std::string>({
      {"担当は C-0123 です", "publish/company-id", "C-0123"},
      {"担当はＣ－０１２３です", "publish/company-id", "Ｃ－０１２３"},
      {"担当は C‐0123 です", "publish/company-id", "C‐0123"},
      {"担当は C−0123 です", "publish/company-id", "C−0123"},
      {"担当は C—0123 です", "publish/company-id", "C—0123"},
      {"カルテ KT-C0123 を参照", "publish/company-id", "C0123"},
      {"担当K-07さん", "publish/handler-id", "K-07"},
      {"abcK-07xyz", "publish/handler-id", "K-07"},
      {"担当Ｋ－１０７", "publish/handler-id", "Ｋ－１０７"},
      {"名護市の事業者", "publish/municipality", "名護市"},
      {"名護の事業者", "publish/municipality", "名護"},
      {"読谷村で", "publish/municipality", "読谷村"},
      {"読谷で", "publish/municipality", "読谷"},
      {"本部町で", "publish/municipality", "本部町"},
      {"うるま市の工場", "publish/municipality", "うるま市"},
      {"宮古島の民宿", "publish/municipality", "宮古島"},
      {"売上高 1,234万円", "publish/money", "1,234万円"},
      {"売上高 1234万円", "publish/money", "1234万円"},
      {"売上高 一千万円", "publish/money", "一千万円"},
      {"売上高 ￥12,340,000", "publish/money", "￥12,340,000"},
      {"売上高 ¥12,340,000", "publish/money", "¥12,340,000"},
      {"売上 3億2千万 で横ばい", "publish/money", "3億2千万"},
      {"売上１，２３４万円", "publish/money", "１，２３４万円"},
      {"借入 4,500 万円", "publish/money", "4,500 万円"},
      {"従業員23名", "publish/headcount", "23名"},
      {"従業員23人", "publish/headcount", "23人"},
      {"従業員２３人", "publish/headcount", "２３人"},
      {"従業員 3人の会社", "publish/headcount", "3人"},
      {"社員は 12 名", "publish/headcount", "12 名"},
      {"経営者は67歳", "publish/age", "67歳"},
  }));
  const auto found_all = FindUnpublishableText(line);
  INFO(line);
  REQUIRE(found_all.size() == 1);
  CHECK(found_all[0].rule == rule);
  CHECK(found_all[0].found == found);
}

TEST_CASE("PublicationGate: bands, ratios and counts of participants are allowed",
          "[publication_gate]") {
  auto line = GENERATE(as<std::string>{}, "売上規模は1億〜5億円未満", "1千万〜5千万円未満",
                       "30億円以上", "従業員は6〜20人", "5人以下", "301人以上", "従業員21〜50人",
                       "100人を超える規模", "前年比約2割増", "営業利益率3.0％", "2人で訪問する",
                       "幹部2人と話した", "一人ひとりの役割", "千差万別", "数百万円規模",
                       "県内一円で営業", "1人当たり売上", "入域観光客1,016万人", "60歳以上",
                       "60歳代の経営者", "沖縄県の北部", "本部の方針", "中部・南部・宮古・八重山",
                       "2024年度", "CS-2024-007-P", "MS-0007", "ABC0123", "NK-1");
  INFO(line);
  CHECK(FindUnpublishableText(line).empty());
}

TEST_CASE("PublicationGate: CRLF line ends and entities cannot hide an id", "[publication_gate]") {
  std::string crlf;
  for (char c : Replace(kPublicCopy, "支援チームが2人", "K-07が2人")) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  const ParseOutcome r = ParseDocument("p.md", crlf, LintMode::kLenient);
  CHECK(Rules(r) == std::vector<std::string>{"publish/handler-id"});
  CHECK(r.doc.base == core::Clearance::kInternal);
  const ParseOutcome e = ParseDocument(
      "p.md", Replace(kPublicCopy, "支援チームが2人", "C&#45;0123 が訪問"), LintMode::kLenient);
  CHECK(Rules(e) == std::vector<std::string>{"publish/company-id"});
  CHECK(e.doc.base == core::Clearance::kInternal);
}

TEST_CASE("PublicationGate: a raised document keeps its private text above 内部 where it was",
          "[publication_gate]") {
  const std::string text = Replace(Replace(kPublicCopy, "level=\"内部\"", "level=\"機密\""),
                                   "支援チームが2人", "K-07が2人");
  const ParseOutcome r = ParseDocument("p.md", text, LintMode::kLenient);
  CHECK(r.doc.base == core::Clearance::kInternal);
  bool confidential = false;
  for (const auto& b : r.doc.blocks) {
    confidential = confidential || b.level == core::Clearance::kConfidential;
  }
  CHECK(confidential);
  bool labelled = false;
  for (const auto& [k, labels] : r.doc.facets) {
    if (k == "confidentiality") labelled = labels == std::vector<std::string>{"内部"};
  }
  CHECK(labelled);
}

}  // namespace
}  // namespace yuimaru::indexer
