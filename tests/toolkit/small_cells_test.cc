#include "toolkit/small_cells.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "toolkit/figures.h"

namespace yuimaru::toolkit {
namespace {

ExportDoc Case(const std::string& id, const std::string& industry, const std::string& region,
               const std::string& employees) {
  ExportDoc doc;
  doc.record.id = id;
  doc.record.doc_type = "支援事例";
  doc.record.facets = {{"industry", {industry}}, {"region", {region}}, {"employees", {employees}}};
  doc.firms = FirmKeys(doc.record);
  return doc;
}

std::string Facet(const ExportDoc& doc, const std::string& key) {
  for (const auto& [k, labels] : doc.record.facets) {
    if (k == key) return labels.empty() ? "" : labels.front();
  }
  return "";
}

ExportSet PublicSet(size_t k, std::vector<ExportDoc> docs) {
  ExportSet set;
  set.edition = Edition::kPublic;
  set.k = k;
  set.docs = std::move(docs);
  return set;
}

TEST_CASE("CoarsenSmallCells: a lone firm is coarsened, k firms sharing a combination are not",
          "[toolkit]") {
  ExportSet set = PublicSet(3, {Case("CS-2024-001-P", "製造業", "中部", "6〜20人"),
                                Case("CS-2024-002-P", "製造業", "中部", "6〜20人"),
                                Case("CS-2024-003-P", "製造業", "中部", "6〜20人"),
                                Case("CS-2024-004-P", "漁業", "宮古", "5人以下")});
  const std::vector<Coarsening> changes = CoarsenSmallCells(set);
  for (int i = 0; i < 3; ++i) {
    CHECK(Facet(set.docs[i], "industry") == "製造業");
    CHECK(Facet(set.docs[i], "region") == "中部");
    CHECK(Facet(set.docs[i], "employees") == "6〜20人");
  }
  // Alone whatever is coarsened: every field goes as coarse as it goes, region first; still
  // alone, the band, the industry and the region are not published at all.
  CHECK(Facet(set.docs[3], "region").empty());
  CHECK(Facet(set.docs[3], "employees").empty());
  CHECK(Facet(set.docs[3], "industry").empty());
  // One entry per field, from the value it had to the value published (no step in between).
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].doc_id == "CS-2024-004-P");
  CHECK(changes[0].field == "region");
  CHECK(changes[0].from == "宮古");
  CHECK(changes[0].to == "（非表示）");
  CHECK(changes[1].field == "employees");
  CHECK(changes[1].from == "5人以下");
  CHECK(changes[1].to == "（非表示）");
  CHECK(changes[1].reason ==
        "業種×地域×従業員規模の組合せが 1 社（k=3 未満）のため従業員規模を表示しない");
  CHECK(changes[2].field == "industry");
  CHECK(changes[2].from == "漁業");
  CHECK(changes[2].to == "（非表示）");
  CHECK(FirmsStillInSmallCells(set) == 0);  // no published combination is under k
}

TEST_CASE(
    "CoarsenSmallCells: the 離島 flag goes with the region, and the profile section is "
    "written anew from the published fields",
    "[toolkit]") {
  ExportDoc lone = Case("CS-2024-021-P", "農業、林業", "八重山", "5人以下");
  lone.record.facets.push_back({"ritou", {"離島"}});
  lone.record.markdown =
      "# 事例\r\n\n## 概要\n\n果樹農家の事例。\n\n## 企業プロフィール（区分のみ）\n\n"
      "- 業種：農業、林業（果樹のハウス栽培）\n- 圏域：八重山（離島）、従業者 5人以下\n\n"
      "### 補足\n\n八重山の家族経営。\n\n## 支援前の状況\n\n八重山で困っていた。\n";
  ExportSet set = PublicSet(3, {lone});
  CoarsenSmallCells(set);
  const ExportDoc& doc = set.docs[0];
  CHECK(Facet(doc, "ritou").empty());
  const std::string& md = doc.record.markdown;
  CHECK(md.find("## 企業プロフィール（区分のみ）\n") != std::string::npos);
  CHECK(md.find("- 業種：非公表\n- 地域：非公表\n- 従業員規模：非公表\n") != std::string::npos);
  // The section is gone with its subsections; the text before and after it stays as it was.
  CHECK(md.find("果樹のハウス栽培") == std::string::npos);
  CHECK(md.find("八重山の家族経営") == std::string::npos);
  CHECK(md.find("従業者 5人以下") == std::string::npos);
  CHECK(md.find("# 事例\r\n\n## 概要\n\n果樹農家の事例。\n\n") == 0);
  CHECK(md.find("## 支援前の状況\n\n八重山で困っていた。\n") != std::string::npos);
}

TEST_CASE(
    "ReplaceProfileSection: only a heading that names 企業プロフィール; a body without one "
    "stays byte for byte",
    "[toolkit]") {
  core::DocRecord record;
  record.facets = {{"industry", {"第二次産業"}}, {"region", {"全県"}}};
  const std::string plain = "## 概要\n\n企業プロフィールは下に。\n#タグ\n####### 七つ\n";
  CHECK(ReplaceProfileSection(plain, record) == plain);
  const std::string last = "# t\n\n### 企業プロフィール\n\n製造業／北部／6〜20人";
  CHECK(ReplaceProfileSection(last, record) ==
        "# t\n\n### 企業プロフィール\n\n- 業種：第二次産業\n- 地域：全県\n- 従業員規模：非公表\n\n"
        "（該当する企業が少ないため、区分を粗くして記載しています。）\n\n");
}

TEST_CASE("CoarsenSmallCells: stops at the first field that makes every cell large enough",
          "[toolkit]") {
  // Two firms in 北部 and one in 南部, same industry and band: 全県 gathers all three.
  ExportSet set = PublicSet(3, {Case("CS-2024-001-P", "製造業", "北部", "6〜20人"),
                                Case("CS-2024-002-P", "製造業", "北部", "6〜20人"),
                                Case("CS-2024-003-P", "製造業", "南部", "6〜20人")});
  const std::vector<Coarsening> changes = CoarsenSmallCells(set);
  CHECK(changes.size() == 3);
  CHECK(FirmsStillInSmallCells(set) == 0);
  for (const ExportDoc& doc : set.docs) {
    CHECK(Facet(doc, "region") == "全県");
    CHECK(Facet(doc, "employees") == "6〜20人");
    CHECK(Facet(doc, "industry") == "製造業");
  }
}

TEST_CASE("CoarsenSmallCells: k=1 and the 当局用 edition change nothing", "[toolkit]") {
  ExportSet one = PublicSet(1, {Case("CS-2024-004-P", "漁業", "宮古", "5人以下")});
  CHECK(CoarsenSmallCells(one).empty());
  CHECK(Facet(one.docs[0], "region") == "宮古");
  ExportSet authority = PublicSet(3, {Case("CS-2024-004", "漁業", "宮古", "5人以下")});
  authority.edition = Edition::kAuthority;
  CHECK(CoarsenSmallCells(authority).empty());
  CHECK(Facet(authority.docs[0], "region") == "宮古");
}

TEST_CASE("CoarsenSmallCells: a firm's documents all change together", "[toolkit]") {
  // One firm (company C-0101) with two documents; the second alone is in a large enough cell.
  ExportDoc a = Case("KT-C0101", "漁業", "宮古", "5人以下");
  ExportDoc b = Case("VM-2024-0101", "製造業", "中部", "6〜20人");
  a.firms = b.firms = {"C-0101"};
  ExportSet set = PublicSet(2, {a, b, Case("CS-2024-001-P", "製造業", "中部", "6〜20人"),
                                Case("CS-2024-002-P", "製造業", "中部", "6〜20人")});
  const std::vector<Coarsening> changes = CoarsenSmallCells(set);
  // KT-C0101 stays alone however coarse, so neither document of C-0101 shows a region.
  CHECK(Facet(set.docs[0], "region").empty());
  CHECK(Facet(set.docs[1], "region").empty());
  CHECK(Facet(set.docs[2], "region") == "中部");
  CHECK(Facet(set.docs[3], "region") == "中部");
  size_t of_b = 0;
  for (const Coarsening& c : changes) of_b += c.doc_id == "VM-2024-0101";
  // region, employees and industry, finally not shown, as KT-C0101 stays alone
  CHECK(of_b == 3);
}

TEST_CASE("CoarsenSmallCells: a firm left alone when another leaves its cell is coarsened too",
          "[toolkit]") {
  // C-0101 shares 製造業×中部×6〜20人 with one case (k=2), but its other document is alone, so it
  // moves to 全県 and leaves the case alone in 中部: the case follows it in the same field.
  ExportDoc a = Case("KT-C0101", "漁業", "宮古", "5人以下");
  ExportDoc b = Case("VM-2024-0101", "製造業", "中部", "6〜20人");
  a.firms = b.firms = {"C-0101"};
  ExportSet set = PublicSet(2, {a, b, Case("CS-2024-001-P", "製造業", "中部", "6〜20人")});
  CoarsenSmallCells(set);
  CHECK(Facet(set.docs[2], "region") == "全県");
  CHECK(Facet(set.docs[1], "region") == "全県");
}

TEST_CASE("CoarseLabel: coarse values are values the indexer accepts", "[toolkit]") {
  for (const char* key : {"industry", "region", "employees"}) {
    const core::FieldDef& field = *core::FindField(key);
    for (const core::VocabEntry& e : field.vocab) {
      const std::string coarse = CoarseLabel(key, e.label);
      const auto id = core::FindValue(field, coarse);
      REQUIRE(id.has_value());
      CHECK(core::ValueLabel(field, *id) == coarse);
    }
  }
  CHECK(CoarseLabel("region", "県外") == "県外");
  CHECK(CoarseLabel("industry", "その他") == "その他");
  CHECK(CoarseLabel("employees", "301人以上") == "101人以上");
}

}  // namespace
}  // namespace yuimaru::toolkit
