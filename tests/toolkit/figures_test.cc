#include "toolkit/figures.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace yuimaru::toolkit {
namespace {

ExportDoc Doc(const std::string& id, const std::string& type,
              std::vector<std::pair<std::string, std::vector<std::string>>> facets,
              std::vector<std::string> company_ids = {}, int fiscal_year = 2024) {
  ExportDoc doc;
  doc.record.id = id;
  doc.record.doc_type = type;
  doc.record.fiscal_year = fiscal_year;
  doc.record.facets = std::move(facets);
  doc.record.company_ids = std::move(company_ids);
  doc.firms = FirmKeys(doc.record);
  return doc;
}

const FigureTable& TableOf(const Figures& f, const std::string& key) {
  for (const FigureTable& t : f.tables) {
    if (t.key == key) return t;
  }
  FAIL("no table " << key);
  return f.tables.front();
}

const FigureRow& RowOf(const FigureTable& t, const std::string& label) {
  for (const FigureRow& r : t.rows) {
    if (r.label == label) return r;
  }
  FAIL("no row " << label);
  return t.rows.front();
}

TEST_CASE("FirmKeys: company ids, else a case stands for one firm, else none", "[toolkit]") {
  core::DocRecord karte;
  karte.id = "KT-C0101";
  karte.doc_type = "企業カルテ";
  karte.company_ids = {"C-0101"};
  CHECK(FirmKeys(karte) == std::vector<std::string>{"C-0101"});
  core::DocRecord copy;
  copy.id = "CS-2024-001-P";
  copy.doc_type = "支援事例";
  CHECK(FirmKeys(copy) == std::vector<std::string>{"CS-2024-001"});
  core::DocRecord method;
  method.id = "MS-0001";
  method.doc_type = "ノウハウ・手法シート";
  CHECK(FirmKeys(method).empty());
}

TEST_CASE("ComputeFigures: firms and documents per value, in vocabulary order, with totals",
          "[toolkit]") {
  const std::vector<ExportDoc> docs = {
      Doc("CS-2024-001", "支援事例",
          {{"industry", {"製造業"}}, {"issues", {"販路開拓", "事業承継"}}}, {"C-0101"}),
      Doc("CS-2024-001-P", "支援事例", {{"industry", {"製造業"}}, {"issues", {"販路開拓"}}}),
      Doc("KT-C0102", "企業カルテ", {{"industry", {"漁業"}}}, {"C-0102"}, 2025),
      Doc("MS-0001", "ノウハウ・手法シート", {{"issues", {"事業承継"}}}, {}, 0)};
  const Figures f = ComputeFigures(docs);
  CHECK(f.documents == 4);
  CHECK(f.firms == 2);  // the public copy is C-0101's case, not a third firm
  const FigureTable& industry = TableOf(f, "industry");
  CHECK(industry.label == "業種");
  CHECK(industry.rows.front().label == "農業、林業");  // vocabulary order, zero rows kept
  CHECK(RowOf(industry, "製造業").documents == 2);
  CHECK(RowOf(industry, "製造業").firms == 1);
  CHECK(RowOf(industry, "漁業").firms == 1);
  CHECK(RowOf(industry, "建設業").documents == 0);
  for (const FigureRow& r : industry.rows) CHECK(r.label != "第二次産業");  // unused coarse value
  CHECK(industry.none.documents == 1);
  CHECK(industry.total.documents == 4);
  CHECK(industry.total.firms == 2);
  const FigureTable& issues = TableOf(f, "issues");
  CHECK(issues.multi_valued);
  CHECK(RowOf(issues, "事業承継").documents == 2);
  CHECK(RowOf(issues, "販路開拓").firms == 1);
  const FigureTable& years = TableOf(f, "fiscal_year");
  REQUIRE(years.rows.size() == 2);
  CHECK(years.rows[0].label == "2024年度（令和6年度）");
  CHECK(years.rows[0].documents == 2);
  CHECK(years.none.documents == 1);
  std::vector<std::string> keys;
  for (const FigureTable& t : f.tables) keys.push_back(t.key);
  CHECK(keys == std::vector<std::string>{"industry", "region", "phase", "issues", "bridge_to",
                                         "outcome", "fiscal_year"});
}

}  // namespace
}  // namespace yuimaru::toolkit
