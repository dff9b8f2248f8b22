#include "core/followups.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace yuimaru::core {
namespace {

FirmDoc Doc(const std::string& id, const std::string& company, const std::string& date, int fy,
            std::vector<std::pair<std::string, std::vector<std::string>>> facets,
            const std::string& next_visit = "") {
  FirmDoc d;
  d.record.id = id;
  d.record.company_ids = {company};
  d.record.date = date;
  d.record.fiscal_year = fy;
  d.record.facets = std::move(facets);
  d.record.next_visit = next_visit;
  d.record.doc_type = id.starts_with("TM-") ? "チーム会議議事録" : "訪問メモ";
  d.firms = {company};
  return d;
}

FollowupOptions On(const std::string& today) {
  FollowupOptions o;
  o.today = *ParseDate(today);
  return o;
}

std::vector<std::string> Ids(const std::vector<FollowupFirm>& firms) {
  std::vector<std::string> out;
  for (const auto& f : firms) out.push_back(f.company_id);
  return out;
}

TEST_CASE("Followups: dates move by days and months", "[followups]") {
  CHECK(AddDays(*ParseDate("2025-12-25"), 14).ToString() == "2026-01-08");
  CHECK(AddDays(*ParseDate("2024-02-20"), 14).ToString() == "2024-03-05");  // leap year
  CHECK(SubtractMonths(*ParseDate("2025-03-31"), 1).ToString() == "2025-02-28");
  CHECK(SubtractMonths(*ParseDate("2025-01-15"), 6).ToString() == "2024-07-15");
}

TEST_CASE(
    "Followups: a next visit past or within 14 days, unless a later record of the firm exists",
    "[followups]") {
  const std::vector<FirmDoc> docs = {
      Doc("VM-1", "C-0001", "2025-05-20", 2025, {}, "2025-12-10"),  // due soon
      Doc("VM-2", "C-0002", "2025-05-20", 2025, {}, "2025-11-01"),  // overdue
      // A team meeting about the firm after the date is not the visit: still overdue.
      Doc("TM-1", "C-0002", "2025-11-20", 2025, {}),
      Doc("VM-3", "C-0003", "2025-05-20", 2025, {}, "2025-10-01"),  // visited since
      Doc("VM-4", "C-0003", "2025-10-02", 2025, {}),
      Doc("VM-5", "C-0004", "2025-05-20", 2025, {}, "2026-01-30"),  // later than 14 days
  };
  const Followups f = ComputeFollowups(docs, On("2025-12-01"));
  CHECK(Ids(f.next_visit_due) == std::vector<std::string>{"C-0002", "C-0001"});
  CHECK(f.next_visit_due[0].detail == "期限切れ");
  CHECK(f.next_visit_due[1].detail == "14日以内");
  CHECK(f.next_visit_due[1].source == "VM-1");
  CHECK(Ids(ComputeFollowups(docs, On("2025-11-20")).next_visit_due) ==
        std::vector<std::string>{"C-0002"});
}

TEST_CASE("Followups: ⑤ firms without a record for N months", "[followups]") {
  const std::vector<FirmDoc> docs = {
      Doc("VM-1", "C-0001", "2025-01-10", 2024, {{"phase", {"⑤支援終了後の対応"}}}),
      Doc("VM-2", "C-0002", "2025-10-10", 2025, {{"phase", {"⑤支援終了後の対応"}}}),
      Doc("VM-3", "C-0003", "2024-01-10", 2023, {{"phase", {"④実行支援"}}}),
  };
  FollowupOptions o = On("2025-12-01");
  const Followups f = ComputeFollowups(docs, o);
  REQUIRE(Ids(f.quiet_after_end) == std::vector<std::string>{"C-0001"});
  CHECK(f.quiet_after_end[0].detail == "最終記録から10か月");
  o.quiet_months = 12;
  CHECK(ComputeFollowups(docs, o).quiet_after_end.empty());
}

TEST_CASE("Followups: firms whose support ended, by the past fiscal year it was recorded",
          "[followups]") {
  const std::vector<FirmDoc> docs = {
      Doc("KT-1", "C-0001", "2024-05-10", 2024, {{"outcome", {"支援継続中"}}}),
      Doc("CS-1", "C-0001", "2025-09-01", 2025, {{"outcome", {"自走化"}}}),
      Doc("KT-3", "C-0003", "2025-04-15", 2025, {{"outcome", {"支援中断"}}}),
      Doc("KT-2", "C-0002", "2023-05-10", 2023, {{"outcome", {"橋渡し完了"}}}),
      Doc("KT-4", "C-0004", "2026-04-10", 2026, {{"outcome", {"自走化"}}}),  // this year
  };
  const Followups f = ComputeFollowups(docs, On("2026-05-01"));
  REQUIRE(f.ended_by_year.size() == 2);
  CHECK(Ids(f.ended_by_year.at(2025)) == std::vector<std::string>{"C-0001", "C-0003"});
  CHECK(Ids(f.ended_by_year.at(2023)) == std::vector<std::string>{"C-0002"});
  CHECK(f.ended_by_year.at(2025)[0].detail == "自走化");
}

TEST_CASE("Followups: a karte's ending is dated by its `updated`, not by its creation",
          "[followups]") {
  FirmDoc karte = Doc("KT-2", "C-0002", "2023-05-10", 2023, {{"outcome", {"橋渡し完了"}}});
  karte.record.updated = "2024-11-20";
  const Followups f = ComputeFollowups({karte}, On("2026-05-01"));
  REQUIRE(f.ended_by_year.size() == 1);
  REQUIRE(f.ended_by_year.count(2024) == 1);
  CHECK(f.ended_by_year.at(2024)[0].date == "2024-11-20");
  CHECK(f.ended_by_year.at(2024)[0].source == "KT-2");
}

}  // namespace
}  // namespace yuimaru::core
