#include "core/firm_figures.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace yuimaru::core {
namespace {

using Facets = std::vector<std::pair<std::string, std::vector<std::string>>>;

DocRecord Rec(const std::string& id, const std::string& type, const std::string& date, int fy,
              std::vector<std::string> company_ids, Facets facets) {
  DocRecord r;
  r.id = id;
  r.doc_type = type;
  r.date = date;
  r.fiscal_year = fy;
  r.company_ids = std::move(company_ids);
  r.facets = std::move(facets);
  return r;
}

DocRecord Updated(DocRecord r, const std::string& updated) {
  r.updated = updated;
  return r;
}

// The records of tests/data/report/ (its README.txt gives the figures by construction).
std::vector<FirmDoc> Corpus() {
  return ToFirmDocs({
      Rec("KT-C0001", "企業カルテ", "2024-05-10", 2024, {"C-0001"},
          {{"industry", {"製造業"}},
           {"region", {"北部"}},
           {"ritou", {"離島以外"}},
           {"employees", {"6〜20人"}},
           {"phase", {"②取組課題の提案"}},
           {"issues", {"事業承継", "販路開拓"}},
           {"bridge_to", {"よろず支援拠点"}},
           {"outcome", {"支援継続中"}}}),
      Rec("VM-2024-0001", "訪問メモ", "2024-06-01", 2024, {"C-0001"},
          {{"industry", {"製造業"}},
           {"phase", {"③支援計画の策定"}},
           {"issues", {"事業承継"}},
           {"bridge_to", {"よろず支援拠点"}}}),
      Updated(Rec("KT-C0002", "企業カルテ", "2024-07-01", 2024, {"C-0002"},
                  {{"industry", {"漁業"}},
                   {"region", {"宮古"}},
                   {"ritou", {"離島"}},
                   {"employees", {"5人以下"}},
                   {"phase", {"①現状把握"}},
                   {"issues", {"資金繰り・財務"}},
                   {"bridge_to", {"政府系金融機関"}},
                   {"outcome", {"橋渡し完了"}}}),
              "2025-08-20"),
      Rec("VM-2025-0001", "訪問メモ", "2025-05-20", 2025, {"C-0001"},
          {{"industry", {"製造業"}},
           {"phase", {"④実行支援"}},
           {"issues", {"事業承継"}},
           {"bridge_to", {"よろず支援拠点", "事業承継・引継ぎ支援センター"}}}),
      Rec("CS-2025-001", "支援事例", "2025-09-01", 2025, {"C-0001"},
          {{"industry", {"製造業"}},
           {"phase", {"①現状把握", "②取組課題の提案", "③支援計画の策定", "④実行支援"}},
           {"issues", {"事業承継"}},
           {"outcome", {"自走化"}}}),
      Rec("TM-2025-001", "チーム会議議事録", "2025-06-10", 2025, {"C-0001", "C-0002", "C-0003"},
          {}),
      Rec("KT-C0003", "企業カルテ", "2025-04-15", 2025, {"C-0003"},
          {{"industry", {"建設業"}},
           {"region", {"南部"}},
           {"phase", {"①現状把握"}},
           {"issues", {"人材育成・採用"}},
           {"outcome", {"支援中断"}}}),
  });
}

const ReportTable& TableOf(const Report& r, const std::string& key) {
  for (const ReportTable& t : r.tables) {
    if (t.key == key) return t;
  }
  FAIL("no table " << key);
  return r.tables.front();
}

size_t Firms(const Report& r, const std::string& key, const std::string& label) {
  for (const ReportRow& row : TableOf(r, key).rows) {
    if (row.label == label) return row.firms;
  }
  FAIL("no row " << label << " in " << key);
  return 0;
}

size_t Bridges(const Report& r, const std::string& label) {
  for (const BridgeRow& row : r.bridges) {
    if (row.label == label) return row.total;
  }
  FAIL("no 橋渡し先 " << label);
  return 0;
}

TEST_CASE("FirmKeys: company ids, else a case stands for one firm, else none", "[firm_figures]") {
  CHECK(FirmKeys(Rec("TM-2025-001", "チーム会議議事録", "", 2025, {"C-0001", "C-0002"}, {})) ==
        std::vector<std::string>{"C-0001", "C-0002"});
  CHECK(FirmKeys(Rec("CS-2024-001-P", "支援事例", "", 2024, {}, {})) ==
        std::vector<std::string>{"CS-2024-001"});
  CHECK(FirmKeys(Rec("MS-0001", "ノウハウ・手法シート", "", 0, {}, {})).empty());
}

TEST_CASE("ToFirmDocs: a public copy counts as its source case's company when both are read",
          "[firm_figures]") {
  const auto docs = ToFirmDocs({Rec("CS-2024-001", "支援事例", "", 2024, {"C-0101"}, {}),
                                Rec("CS-2024-001-P", "支援事例", "", 2024, {}, {}),
                                Rec("CS-2024-002-P", "支援事例", "", 2024, {}, {})});
  CHECK(docs[1].firms == std::vector<std::string>{"C-0101"});
  CHECK(docs[2].firms == std::vector<std::string>{"CS-2024-002"});
  CHECK(ComputeFigures(docs, nullptr).firms == 2);
}

TEST_CASE(
    "ComputeReport: a firm counts in every year it has a document, its profile from its "
    "latest one",
    "[firm_figures]") {
  const std::vector<FirmDoc> docs = Corpus();
  const Report y2024 = ComputeReport(docs, 2024);
  CHECK(y2024.years == std::vector<int>{2024, 2025});
  CHECK(y2024.documents == 3);
  CHECK(y2024.firms == 2);
  CHECK(Firms(y2024, "industry", "製造業") == 1);
  CHECK(Firms(y2024, "industry", "漁業") == 1);
  CHECK(Firms(y2024, "industry", "建設業") == 0);  // C-0003 starts in 2025
  CHECK(Firms(y2024, "ritou", "離島") == 1);
  CHECK(Firms(y2024, "region", "宮古") == 1);

  const Report y2025 = ComputeReport(docs, 2025);
  CHECK(y2025.documents == 4);
  CHECK(y2025.firms == 3);                       // C-0002 through the team meeting alone
  CHECK(Firms(y2025, "industry", "漁業") == 1);  // from its 2024 karte
  CHECK(Firms(y2025, "industry", "建設業") == 1);
  CHECK(Firms(y2025, "employees", "5人以下") == 1);
  CHECK(TableOf(y2025, "employees").none.firms == 1);  // C-0003's karte has none
  for (const ReportRow& row : TableOf(y2025, "employees").rows) CHECK(row.label != "20人以下");
  for (const ReportRow& row : TableOf(y2025, "industry").rows) CHECK(row.label != "第二次産業");

  const Report all = ComputeReport(docs, kAllYears);
  CHECK(all.documents == 7);
  CHECK(all.firms == 3);
}

TEST_CASE("ComputeReport: a firm is counted at the furthest 支援フェーズ it has reached",
          "[firm_figures]") {
  const std::vector<FirmDoc> docs = Corpus();
  const Report y2024 = ComputeReport(docs, 2024);
  CHECK(Firms(y2024, "phase", "①現状把握") == 0);  // C-0002's karte says ① as of 2025
  CHECK(TableOf(y2024, "phase").none.firms == 1);
  CHECK(Firms(y2024, "phase", "②取組課題の提案") == 0);  // C-0001 went on to ③ that year
  CHECK(Firms(y2024, "phase", "③支援計画の策定") == 1);
  const Report y2025 = ComputeReport(docs, 2025);
  CHECK(Firms(y2025, "phase", "①現状把握") == 2);
  CHECK(Firms(y2025, "phase", "④実行支援") == 1);
}

TEST_CASE(
    "ComputeReport: a 橋渡し counts once per firm and institution, in the year first "
    "recorded",
    "[firm_figures]") {
  const std::vector<FirmDoc> docs = Corpus();
  const Report y2024 = ComputeReport(docs, 2024);
  CHECK(Bridges(y2024, "よろず支援拠点") == 1);  // recorded twice in 2024, again in 2025
  CHECK(Bridges(y2024, "政府系金融機関") == 1);
  CHECK(y2024.bridge_total == 2);
  const Report y2025 = ComputeReport(docs, 2025);
  CHECK(Bridges(y2025, "よろず支援拠点") == 0);
  CHECK(Bridges(y2025, "事業承継・引継ぎ支援センター") == 1);
  CHECK(y2025.bridge_total == 1);
  const Report all = ComputeReport(docs, kAllYears);
  CHECK(all.bridge_total == 3);
  for (const BridgeRow& row : all.bridges) {
    if (row.label == "よろず支援拠点") CHECK(row.by_year == std::map<int, size_t>{{2024, 1}});
  }
}

TEST_CASE(
    "ComputeReport: 支援の状況 is each firm's latest, and the 自走化 rate is over firms with "
    "one",
    "[firm_figures]") {
  const std::vector<FirmDoc> docs = Corpus();
  const Report y2024 = ComputeReport(docs, 2024);
  CHECK(Firms(y2024, "outcome", "支援継続中") == 1);  // C-0001; C-0002's is of 2025
  CHECK(y2024.outcome_firms == 1);
  CHECK(SelfRunningRate(y2024) == 0.0);
  const Report y2025 = ComputeReport(docs, 2025);
  CHECK(Firms(y2025, "outcome", "自走化") == 1);
  CHECK(Firms(y2025, "outcome", "支援継続中") == 0);
  CHECK(Firms(y2025, "outcome", "橋渡し完了") == 1);
  CHECK(Firms(y2025, "outcome", "支援中断") == 1);
  CHECK(y2025.outcome_firms == 3);
  CHECK(SelfRunningRate(y2025) == Approx(33.3));
  CHECK(SelfRunningRate(ComputeReport({}, 2025)) == -1);
}

TEST_CASE(
    "ComputeReport: a karte's phase and 支援の状況 count in the year of its `updated`, not of "
    "its date",
    "[firm_figures]") {
  // Opened in 2023, rewritten in 2024 to say ④ and 自走化; nothing else names the firm.
  const std::vector<FirmDoc> docs = ToFirmDocs(
      {Updated(Rec("KT-C0009", "企業カルテ", "2023-05-01", 2023, {"C-0009"},
                   {{"industry", {"製造業"}}, {"phase", {"④実行支援"}}, {"outcome", {"自走化"}}}),
               "2024-06-01")});
  const Report opened = ComputeReport(docs, 2023);
  CHECK(opened.firms == 1);
  CHECK(opened.documents == 1);
  CHECK(Firms(opened, "industry", "製造業") == 1);
  CHECK(Firms(opened, "phase", "④実行支援") == 0);
  CHECK(TableOf(opened, "phase").none.firms == 1);
  CHECK(Firms(opened, "outcome", "自走化") == 0);
  CHECK(opened.outcome_firms == 0);

  const Report updated = ComputeReport(docs, 2024);
  CHECK(updated.firms == 1);      // the update is support activity of 2024
  CHECK(updated.documents == 0);  // the karte is a document of 2023
  CHECK(Firms(updated, "phase", "④実行支援") == 1);
  CHECK(TableOf(updated, "phase").rows[3].documents == 1);
  CHECK(Firms(updated, "outcome", "自走化") == 1);
  CHECK(SelfRunningRate(updated) == 100.0);

  // An `updated` before `date` is a slip: the karte's state is of its date.
  const std::vector<FirmDoc> slip = ToFirmDocs({Updated(
      Rec("KT-C0009", "企業カルテ", "2023-05-01", 2023, {"C-0009"}, {{"outcome", {"自走化"}}}),
      "2022-06-01")});
  CHECK(Firms(ComputeReport(slip, 2023), "outcome", "自走化") == 1);
}

TEST_CASE("ComputeReport: 課題 are ranked by firms of the year", "[firm_figures]") {
  const Report y2025 = ComputeReport(Corpus(), 2025);
  const ReportTable& issues = TableOf(y2025, "issues");
  REQUIRE(issues.rows.size() >= 2);
  CHECK(issues.rows[0].label == "事業承継");
  CHECK(issues.rows[0].firms == 1);
  CHECK(issues.rows[0].documents == 2);                  // VM-2025-0001 and CS-2025-001
  CHECK(Firms(y2025, "issues", "資金繰り・財務") == 0);  // C-0002's issue is from 2024
  CHECK(issues.none.firms == 1);                         // C-0002 has no 課題 in 2025
  CHECK(!y2025.essential_issue_note.empty());
}

}  // namespace
}  // namespace yuimaru::core
