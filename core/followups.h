// The follow-up list for consultants and the secretariat (pure): firms whose next visit is due,
// firms in ⑤ 支援終了後の対応 without a recent record, and firms whose support ended in each past
// fiscal year (for the five-year progress reports). Computed from one clearance view's records;
// "today" is passed in.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/firm_figures.h"
#include "core/fiscal_year.h"

namespace yuimaru::core {

struct FollowupOptions {
  Date today;
  int due_within_days = 14;  // next_visit on or before today + this
  int quiet_months = 6;      // ⑤ firms without a document for this many months
};

struct FollowupFirm {
  std::string company_id;
  std::string date;    // next_visit (due), the last record (quiet), the ending (ended)
  std::string detail;  // 期限切れ / 14日以内, 最終記録からの月数, the 支援の状況
  std::string source;  // the document that says so
};

struct Followups {
  // The next_visit of each firm's latest document that has one, when it is on or before
  // today + due_within_days and no record of the firm itself (a visit memo, karte or case; a
  // meeting about the firm does not count) is dated on or after it. Date order.
  std::vector<FollowupFirm> next_visit_due;
  // Firms whose latest 支援フェーズ is ⑤支援終了後の対応 and whose latest document is older than
  // quiet_months. Oldest first.
  std::vector<FollowupFirm> quiet_after_end;
  // Fiscal year (before today's) → firms whose latest 支援の状況 is 自走化, 橋渡し完了 or 支援中断,
  // in the year of the first document recording it. Company id order.
  std::map<int, std::vector<FollowupFirm>> ended_by_year;
};

// The follow-up lists of `docs` (records with company ids; others are ignored). A document is
// dated by core::StateDate: a karte whose `updated` is later than its `date` is a record of that
// day, and the phase and 支援の状況 it states are as of then.
Followups ComputeFollowups(const std::vector<FirmDoc>& docs, const FollowupOptions& options);

// {"today", "due_within_days", "quiet_months", "next_visit_due": [{company_id, date, detail,
//  source}], "quiet_after_end": […], "ended_by_year": {"2024": […]}}
std::string FollowupsJson(const Followups& followups, const FollowupOptions& options);

// `date` moved by `days` (may be negative).
Date AddDays(const Date& date, int days);
// `date` moved back `months` months (the day clamped to the month's last day).
Date SubtractMonths(const Date& date, int months);

}  // namespace yuimaru::core
