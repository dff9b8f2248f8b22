// `yuimaru report` on tests/data/report/ (its README.txt gives the figures by construction):
// JSON, CSV, Markdown and the Excel workbook (read back with openpyxl) agree with them, a
// 公開 report counts only 公開 documents, and bad input is a one-line usage error (exit 2).
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

struct ReportIndex {
  TempDir dir;
  std::string db = (dir / "db").string();
  ReportIndex() {
    const CommandResult r =
        Yuimaru({"index", "--db", db, (SourceDir() / "tests" / "data" / "report").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  CommandResult Report(std::vector<std::string> extra) const {
    std::vector<std::string> args = {"report", "--db", db};
    args.insert(args.end(), extra.begin(), extra.end());
    return Yuimaru(args);
  }
  nlohmann::json Json(const std::string& year, std::vector<std::string> extra = {}) const {
    extra.insert(extra.end(), {"--year", year, "--format", "json"});
    const CommandResult r = Report(extra);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.Json();
  }
};

// The rows of table `key` as label → column `col`.
std::map<std::string, nlohmann::json> Column(const nlohmann::json& report, const std::string& key,
                                             size_t col) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& t : report["tables"]) {
    if (t["key"] != key) continue;
    for (const auto& row : t["rows"]) out[row[0].get<std::string>()] = row[col];
  }
  return out;
}

TEST_CASE("report: firms and documents of each fiscal year, as constructed", "[disk][report]") {
  ReportIndex idx;
  const auto y2024 = idx.Json("2024");
  CHECK(y2024["fiscal_year"] == 2024);
  CHECK(y2024["fiscal_year_label"] == "2024年度（令和6年度）");
  CHECK(y2024["firms"] == 2);
  CHECK(y2024["documents"] == 3);
  CHECK(y2024["bridges"] == 2);  // C-0001 → よろず twice in 2024: once
  CHECK(Column(y2024, "industry", 1)["製造業"] == 1);
  CHECK(Column(y2024, "industry", 2)["製造業"] == 2);  // documents beside firms
  CHECK(Column(y2024, "phase", 1)["③支援計画の策定"] == 1);
  CHECK(Column(y2024, "ritou", 1)["離島"] == 1);
  // KT-C0002 (opened 2024-07-01, updated 2025-08-20): its phase and 支援の状況 are of 2025.
  CHECK(Column(y2024, "phase", 1)["①現状把握"] == 0);
  CHECK(Column(y2024, "outcome", 1)["橋渡し完了"] == 0);
  CHECK(Column(y2024, "outcome", 1)["支援継続中"] == 1);

  const auto y2025 = idx.Json("令和7年度");
  CHECK(y2025["fiscal_year"] == 2025);
  CHECK(y2025["firms"] == 3);  // C-0002 through the team meeting only
  CHECK(y2025["documents"] == 4);
  CHECK(y2025["bridges"] == 1);
  CHECK(y2025["self_running_rate"] == Approx(33.3));
  CHECK(Column(y2025, "outcome", 1)["自走化"] == 1);
  CHECK(Column(y2025, "outcome", 1)["橋渡し完了"] == 1);  // KT-C0002, as of its update
  CHECK(Column(y2025, "outcome", 2)["橋渡し完了"] == 1);
  CHECK(Column(y2025, "phase", 1)["④実行支援"] == 1);
  CHECK(Column(y2025, "bridge_to", 1)["よろず支援拠点"] == 1);  // the 2024 column
  CHECK(Column(y2025, "bridge_to", 3)["よろず支援拠点"] == 0);  // none new in 2025

  const auto all = idx.Json("all");
  CHECK(all["fiscal_year"].is_null());
  CHECK(all["firms"] == 3);
  CHECK(all["documents"] == 7);
  CHECK(all["bridges"] == 3);

  // The filters of search: 業種=漁業 leaves C-0002's karte (the meeting names no 業種).
  const auto fishing = idx.Json("2024", {"--filter", "業種=漁業"});
  CHECK(fishing["firms"] == 1);
  CHECK(fishing["documents"] == 1);
}

TEST_CASE("report: CSV, Markdown and the Excel workbook carry the same figures", "[disk][report]") {
  ReportIndex idx;
  const CommandResult csv = idx.Report({"--year", "2025", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("\xEF\xBB\xBF", 0) == 0);  // UTF-8 with BOM
  CHECK(csv.out.find("概要,支援先数,3\r\n") != std::string::npos);
  CHECK(csv.out.find("概要,文書数,4\r\n") != std::string::npos);
  CHECK(csv.out.find("支援先数（業種別）,漁業,1,0\r\n") != std::string::npos);

  const CommandResult md = idx.Report({"--year", "2025"});
  REQUIRE(md.exit_code == 0);
  CHECK(md.out.find("# 実績報告 2025年度（令和7年度）") != std::string::npos);
  CHECK(md.out.find("| 支援先数 | 3 |") != std::string::npos);

  const std::string book = (idx.dir / "report.xlsx").string();
  const CommandResult x = idx.Report({"--year", "2025", "--format", "xlsx", "--out", book});
  INFO(x.err);
  REQUIRE(x.exit_code == 0);
  const CommandResult read = RunCommand(
      {"/usr/bin/python3", "-c",
       "import json, sys, openpyxl\n"
       "wb = openpyxl.load_workbook(sys.argv[1])\n"
       "print(json.dumps({ws.title: [[c for c in r] for r in ws.iter_rows(values_only=True)]"
       " for ws in wb.worksheets}, ensure_ascii=False))\n",
       book});
  INFO(read.err);
  REQUIRE(read.exit_code == 0);
  const nlohmann::json sheets = read.Json();
  const auto json = idx.Json("2025");
  // Every table of the JSON is a worksheet with the same cells (numbers as numeric cells).
  for (const auto& t : json["tables"]) {
    const std::string title = t["title"];
    INFO(title);
    REQUIRE(sheets.contains(title));
    const auto& ws = sheets[title];
    REQUIRE(ws.size() == t["rows"].size() + 1);
    for (size_t r = 0; r < t["rows"].size(); ++r) {
      for (size_t c = 0; c < t["rows"][r].size(); ++c) {
        const auto& want = t["rows"][r][c];
        const auto& got = ws[r + 1][c];
        if (want.is_number()) {
          REQUIRE(got.is_number());
          CHECK(got.get<double>() == Approx(want.get<double>()));
        } else if (!want.get<std::string>().empty()) {
          CHECK(got == want);
        }
      }
    }
  }
  CHECK(sheets["概要"][2][1] == 3);  // 支援先数
}

TEST_CASE("report: a 公開 reader's report counts 公開 documents only",
          "[disk][report][clearance]") {
  ReportIndex idx;
  const auto pub = idx.Json("all", {"--clearance", "公開"});
  CHECK(pub["clearance"] == "公開");
  CHECK(pub["firms"] == 0);
  CHECK(pub["documents"] == 0);
  const auto internal = idx.Json("all", {"--clearance", "内部"});
  CHECK(internal["firms"] == 3);
}

TEST_CASE("report: a year outside the index, an unknown filter or format is a one-line error",
          "[disk][report]") {
  ReportIndex idx;
  const std::vector<std::vector<std::string>> bad = {{"--year", "2019", "--format", "json"},
                                                     {"--year", "来々年度"},
                                                     {"--year", "2024", "--filter", "色=赤"},
                                                     {"--year", "2024", "--filter", "業種=宇宙業"},
                                                     {"--format", "pdf"},
                                                     {"--format", "xlsx"}};
  for (const auto& args : bad) {
    INFO(args.back());
    const CommandResult r = idx.Report(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_FALSE(r.err.empty());
  }
  const CommandResult year = idx.Report({"--year", "2019"});
  CHECK(year.err.find("2019年度") != std::string::npos);
  CHECK(year.err.find("2024, 2025") != std::string::npos);
  CHECK(std::count(year.err.begin(), year.err.end(), '\n') == 1);
}

TEST_CASE("followups: next visits due, support ended per past year, with a fixed --today",
          "[disk][report][followups]") {
  ReportIndex idx;
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"followups", "--db", idx.db, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = Yuimaru(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.Json();
  };
  // next_visit is stored by the indexer: VM-2025-0001 asks for 2025-12-10.
  const auto december = run({"--today", "2025-12-01"});
  REQUIRE(december["next_visit_due"].size() == 1);
  CHECK(december["next_visit_due"][0]["company_id"] == "C-0001");
  CHECK(december["next_visit_due"][0]["date"] == "2025-12-10");
  CHECK(december["next_visit_due"][0]["source"] == "VM-2025-0001");
  CHECK(december["next_visit_due"][0]["timeline"] == "/firm/C-0001");
  CHECK(december["ended_by_year"].empty());  // 2025 is not past yet
  CHECK(run({"--today", "2025-11-01"})["next_visit_due"].empty());
  const auto may = run({"--today", "2026-05-01"});
  REQUIRE(may["ended_by_year"].contains("2025"));
  // KT-C0002 was opened in 2024 and says 橋渡し完了 as of its update on 2025-08-20.
  CHECK_FALSE(may["ended_by_year"].contains("2024"));
  const auto& ended = may["ended_by_year"]["2025"];
  REQUIRE(ended.size() == 3);
  CHECK(ended[0]["company_id"] == "C-0001");
  CHECK(ended[0]["detail"] == "自走化");
  CHECK(ended[1]["company_id"] == "C-0002");
  CHECK(ended[1]["detail"] == "橋渡し完了");
  CHECK(ended[1]["date"] == "2025-08-20");
  CHECK(ended[2]["company_id"] == "C-0003");
  CHECK(run({"--today", "2025-12-01", "--clearance", "公開"})["next_visit_due"].empty());
  CHECK(Yuimaru({"followups", "--db", idx.db, "--today", "2025-13-01"}).exit_code == 2);
}

}  // namespace
}  // namespace yuimaru::testing
