// Dates and 年度 (Japanese fiscal years, April to March, named after the starting year).
// Pure functions; "today" is always passed in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace yuimaru::core {

struct Date {
  int year = 0, month = 0, day = 0;
  std::string ToString() const;  // YYYY-MM-DD
  friend bool operator==(const Date&, const Date&) = default;
};

// Parses a real calendar date written as YYYY-MM-DD (no other form).
std::optional<Date> ParseDate(std::string_view text);

// 2024-05-10 → 2024, 2025-02-01 → 2024.
int FiscalYearOf(const Date& date);

// Parses one 年度 expression: 2024, 2024年度, FY2024, 令和6年度, R6年度, R6, 令和元年度,
// 平成31年度, 今年度/本年度, 昨年度/前年度, 来年度/次年度 (relative to `current_fy`).
// Width and case do not matter. nullopt if `text` is not one of these.
std::optional<int> ParseFiscalYear(std::string_view text, int current_fy);

// 「2024年度（令和6年度）」
std::string FiscalYearDisplay(int fiscal_year);

}  // namespace yuimaru::core
