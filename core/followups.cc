#include "core/followups.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>
#include <tuple>

namespace yuimaru::core {
namespace {

constexpr std::string_view kAfterEnd = "⑤支援終了後の対応";

bool Ending(std::string_view outcome) {
  return outcome == "自走化" || outcome == "橋渡し完了" || outcome == "支援中断";
}

const std::vector<std::string>* LabelsOf(const DocRecord& r, std::string_view key) {
  for (const auto& [k, labels] : r.facets) {
    if (k == key) return &labels;
  }
  return nullptr;
}

// What the documents of one firm say, read in the order of core::StateDate: a karte's phase and
// 支援の状況 are as of its `updated`, and its update is a record of that day.
struct FirmHistory {
  std::string last_date, last_doc;
  // The latest record of the firm itself (a visit memo, its karte, a case): a meeting that
  // talks about the firm is not the planned visit and does not clear it.
  std::string last_record;
  std::string next_visit, next_visit_doc;
  std::string phase;  // the latest document's furthest phase
  std::string outcome, outcome_date, outcome_doc;
  int outcome_year = 0;
};

std::map<std::string, FirmHistory> Histories(const std::vector<FirmDoc>& docs) {
  std::vector<const DocRecord*> sorted;
  for (const FirmDoc& d : docs) {
    if (!d.record.company_ids.empty() && !StateDate(d.record).empty()) {
      sorted.push_back(&d.record);
    }
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const DocRecord* a, const DocRecord* b) {
    return std::tie(StateDate(*a), a->id) < std::tie(StateDate(*b), b->id);
  });
  std::map<std::string, FirmHistory> firms;
  for (const DocRecord* r : sorted) {
    for (const std::string& id : r->company_ids) {
      FirmHistory& h = firms[id];
      h.last_date = StateDate(*r);
      h.last_doc = r->id;
      if (!r->doc_type.ends_with("議事録")) h.last_record = StateDate(*r);
      if (!r->next_visit.empty()) {
        h.next_visit = r->next_visit;
        h.next_visit_doc = r->id;
      }
      if (const auto* phases = LabelsOf(*r, "phase"); phases && !phases->empty()) {
        // A list of phases (a case) is in order; its last is the furthest.
        h.phase = phases->back();
      }
      if (const auto* outcome = LabelsOf(*r, "outcome"); outcome && !outcome->empty()) {
        if (outcome->front() != h.outcome) {
          h.outcome = outcome->front();
          h.outcome_date = StateDate(*r);
          h.outcome_doc = r->id;
          h.outcome_year = StateFiscalYear(*r);
        }
      }
    }
  }
  return firms;
}

int MonthsBetween(const Date& from, const Date& to) {
  int months = (to.year - from.year) * 12 + (to.month - from.month);
  if (to.day < from.day) --months;
  return months;
}

}  // namespace

Date AddDays(const Date& date, int days) {
  using namespace std::chrono;
  const sys_days d = year_month_day{year{date.year}, month{static_cast<unsigned>(date.month)},
                                    day{static_cast<unsigned>(date.day)}};
  const year_month_day out{d + std::chrono::days{days}};
  return Date{static_cast<int>(out.year()), static_cast<int>(static_cast<unsigned>(out.month())),
              static_cast<int>(static_cast<unsigned>(out.day()))};
}

Date SubtractMonths(const Date& date, int months) {
  int total = date.year * 12 + (date.month - 1) - months;
  Date out{total / 12, total % 12 + 1, date.day};
  while (out.day > 28 && !ParseDate(out.ToString())) --out.day;
  return out;
}

Followups ComputeFollowups(const std::vector<FirmDoc>& docs, const FollowupOptions& options) {
  Followups out;
  const std::string today = options.today.ToString();
  const std::string horizon = AddDays(options.today, options.due_within_days).ToString();
  const std::string quiet_since = SubtractMonths(options.today, options.quiet_months).ToString();
  const int current_fy = FiscalYearOf(options.today);
  for (const auto& [id, h] : Histories(docs)) {
    if (!h.next_visit.empty() && h.next_visit <= horizon && h.last_record < h.next_visit) {
      const std::string detail =
          h.next_visit < today ? "期限切れ" : std::to_string(options.due_within_days) + "日以内";
      out.next_visit_due.push_back({id, h.next_visit, detail, h.next_visit_doc});
    }
    if (h.phase == kAfterEnd && h.last_date < quiet_since) {
      const auto last = ParseDate(h.last_date);
      const int months = last ? MonthsBetween(*last, options.today) : 0;
      out.quiet_after_end.push_back(
          {id, h.last_date, "最終記録から" + std::to_string(months) + "か月", h.last_doc});
    }
    if (Ending(h.outcome) && h.outcome_year > 0 && h.outcome_year < current_fy) {
      out.ended_by_year[h.outcome_year].push_back({id, h.outcome_date, h.outcome, h.outcome_doc});
    }
  }
  auto by_date = [](const FollowupFirm& a, const FollowupFirm& b) {
    return std::tie(a.date, a.company_id) < std::tie(b.date, b.company_id);
  };
  std::sort(out.next_visit_due.begin(), out.next_visit_due.end(), by_date);
  std::sort(out.quiet_after_end.begin(), out.quiet_after_end.end(), by_date);
  return out;
}

std::string FollowupsJson(const Followups& f, const FollowupOptions& options) {
  auto list = [](const std::vector<FollowupFirm>& firms) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const FollowupFirm& x : firms) {
      a.push_back({{"company_id", x.company_id},
                   {"date", x.date},
                   {"detail", x.detail},
                   {"source", x.source},
                   {"timeline", "/firm/" + x.company_id}});
    }
    return a;
  };
  nlohmann::ordered_json j;
  j["today"] = options.today.ToString();
  j["due_within_days"] = options.due_within_days;
  j["quiet_months"] = options.quiet_months;
  j["next_visit_due"] = list(f.next_visit_due);
  j["quiet_after_end"] = list(f.quiet_after_end);
  j["ended_by_year"] = nlohmann::ordered_json::object();
  for (const auto& [year, firms] : f.ended_by_year)
    j["ended_by_year"][std::to_string(year)] = list(firms);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace yuimaru::core
