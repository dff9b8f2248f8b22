#include "core/fiscal_year.h"

#include <catch2/catch.hpp>

namespace yuimaru::core {
namespace {

TEST_CASE("FiscalYear: expressions users write resolve to the starting year", "[fiscal_year]") {
  auto [text, expected] = GENERATE(table<std::string, int>({{"2024", 2024},
                                                            {"2024年度", 2024},
                                                            {"FY2024", 2024},
                                                            {"令和6年度", 2024},
                                                            {"R6年度", 2024},
                                                            {"R6", 2024},
                                                            {"Ｒ６年度", 2024},
                                                            {"令和元年度", 2019},
                                                            {"平成31年度", 2019},
                                                            {"令和5年度", 2023},
                                                            {"今年度", 2026},
                                                            {"本年度", 2026},
                                                            {"昨年度", 2025},
                                                            {"来年度", 2027}}));
  CAPTURE(text);
  CHECK(ParseFiscalYear(text, 2026) == expected);
}

TEST_CASE("FiscalYear: other text is not a fiscal year", "[fiscal_year]") {
  for (const char* text : {"事業承継", "2024年", "R", "令和", "12345", "平成40年度", ""}) {
    CAPTURE(text);
    CHECK_FALSE(ParseFiscalYear(text, 2026).has_value());
  }
}

TEST_CASE("FiscalYear: April starts the year", "[fiscal_year]") {
  CHECK(FiscalYearOf(*ParseDate("2024-04-01")) == 2024);
  CHECK(FiscalYearOf(*ParseDate("2025-03-31")) == 2024);
  CHECK(FiscalYearDisplay(2024) == "2024年度（令和6年度）");
  CHECK(FiscalYearDisplay(2019) == "2019年度（令和元年度）");
}

TEST_CASE("FiscalYear: only real ISO dates parse", "[fiscal_year]") {
  CHECK(ParseDate("2024-02-29").has_value());
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-1-01", "2024/01/01", "20240101", "2024-04-31"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseDate(bad).has_value());
  }
}

}  // namespace
}  // namespace yuimaru::core
