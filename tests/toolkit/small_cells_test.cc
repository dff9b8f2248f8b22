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
  // Alone whatever is coarsened: every field goes as coarse as it goes, region first.
  CHECK(Facet(set.docs[3], "region") == "全県");
  CHECK(Facet(set.docs[3], "employees") == "20人以下");
  CHECK(Facet(set.docs[3], "industry") == "第一次産業");
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].doc_id == "CS-2024-004-P");
  CHECK(changes[0].field == "region");
  CHECK(changes[0].from == "宮古");
  CHECK(changes[0].to == "全県");
  CHECK(changes[0].reason ==
        "業種×地域×従業員規模の組合せが 1 社（k=3 未満）のため地域を「全県」にまとめた");
  CHECK(changes[1].field == "employees");
  CHECK(changes[1].from == "5人以下");
  CHECK(changes[2].field == "industry");
  CHECK(changes[2].to == "第一次産業");
  CHECK(FirmsStillInSmallCells(set) == 1);  // as coarse as it goes, and still alone
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
  CHECK(Facet(set.docs[0], "region") == "全県");
  CHECK(Facet(set.docs[1], "region") == "全県");
  CHECK(Facet(set.docs[2], "region") == "中部");
  CHECK(Facet(set.docs[3], "region") == "中部");
  size_t of_b = 0;
  for (const Coarsening& c : changes) of_b += c.doc_id == "VM-2024-0101";
  CHECK(of_b == 3);  // region, employees and industry, as KT-C0101 stays alone
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
