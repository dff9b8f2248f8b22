#include "core/fiscal_year.h"

#include <cstdio>
#include <regex>

#include "core/normalizer.h"

namespace yuimaru::core {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Era start years minus one: 令和N = 2018 + N, 平成N = 1988 + N.
constexpr int kReiwaBase = 2018;
constexpr int kHeiseiBase = 1988;

}  // namespace

std::string Date::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::optional<Date> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n) -> int {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  Date d{digits(0, 4), digits(5, 2), digits(8, 2)};
  if (d.year < 1900 || d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
  if (d.day > DaysIn(d.year, d.month)) return std::nullopt;
  return d;
}

int FiscalYearOf(const Date& date) { return date.month >= 4 ? date.year : date.year - 1; }

std::optional<int> ParseFiscalYear(std::string_view text, int current_fy) {
  const std::string s = NormalizeToUtf8(text);  // full-width digits, Ｒ６ → r6
  static const std::regex kWestern(R"(^(?:fy)?(\d{4})(?:年度)?$)");
  static const std::regex kEra(R"(^(令和|平成|r|h)(\d{1,2}|元)(?:年度)?$)");
  std::smatch m;
  if (std::regex_match(s, m, kWestern)) {
    const int y = std::stoi(m[1]);
    if (y >= 1990 && y <= 2100) return y;
    return std::nullopt;
  }
  if (std::regex_match(s, m, kEra)) {
    const int n = m[2] == "元" ? 1 : std::stoi(m[2]);
    if (n < 1) return std::nullopt;
    const bool reiwa = m[1] == "令和" || m[1] == "r";
    if (!reiwa && n > 31) return std::nullopt;
    return (reiwa ? kReiwaBase : kHeiseiBase) + n;
  }
  if (s == "今年度" || s == "本年度") return current_fy;
  if (s == "昨年度" || s == "前年度") return current_fy - 1;
  if (s == "来年度" || s == "次年度") return current_fy + 1;
  return std::nullopt;
}

std::string FiscalYearDisplay(int fy) {
  std::string out = std::to_string(fy) + "年度";
  if (fy >= 2019) {
    const int n = fy - kReiwaBase;
    out += "（令和" + (n == 1 ? std::string("元") : std::to_string(n)) + "年度）";
  } else if (fy >= 1989) {
    const int n = fy - kHeiseiBase;
    out += "（平成" + (n == 1 ? std::string("元") : std::to_string(n)) + "年度）";
  }
  return out;
}

}  // namespace yuimaru::core
