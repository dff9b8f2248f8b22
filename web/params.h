// The state of a search page as URL parameters, both ways: parsing a request's parameters and
// writing the links of a page (add or remove a filter, another page, another sort). Pure.
//
//   q=事業承継&industry=製造業&industry=建設業&region=中部&from=2024-04-01&to=2025-03-31
//   &sort=newest&page=2&per=20&explain=1&syn=0
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "search/search.h"

namespace yuimaru::web {

struct SearchState {
  std::string q;
  std::vector<std::pair<std::string, std::string>> filters;  // (field key, value), URL order
  std::string from, to;                                      // YYYY-MM-DD or empty
  std::string sort;                                          // "" (relevance), "newest", "oldest"
  int page = 1;                                              // 1-based
  int per = 20;                                              // results per page: 10, 20, 50 or 100
  bool explain = false;
  bool synonyms = true;

  bool HasFilter(const std::string& key, const std::string& value) const;
  SearchState WithFilter(const std::string& key, const std::string& value) const;  // page 1
  SearchState WithoutFilter(const std::string& key, const std::string& value) const;
  SearchState WithPage(int page) const;
  SearchState WithSort(const std::string& sort) const;
};

inline constexpr int kMaxPage = 1000;

// Parses request parameters. Fails with kInvalidInput for an unknown parameter, a repeated
// single-valued one, or a value out of range ("param.*" rules, Japanese messages). Filter
// values are checked later, by search (an unknown 業種 is a 400 there).
Result<SearchState> ParseSearchState(const std::multimap<std::string, std::string>& params);

// The request for search/ (run on the viewer's search::SearchView).
search::SearchRequest ToRequest(const SearchState& state);

// The parameters of a state in canonical order, and the URL of `path` with them.
std::vector<std::pair<std::string, std::string>> StateParams(const SearchState& state);
std::string StateUrl(const SearchState& state, const std::string& path = "/search");

// The state of the dashboard, its downloads and /api/report, as URL parameters:
//   fiscal_year=2025 (or 令和7年度, R7, all; none: the current year) &industry=製造業 … (the
//   search's filters) &table=industry (downloads: one table; none: all of them)
struct ReportState {
  int fiscal_year = 0;                                       // a year, or core::kAllYears
  bool year_given = false;                                   // false: the current year by default
  std::vector<std::pair<std::string, std::string>> filters;  // (field key, value), URL order
  std::string table;                                         // a ReportSheet key, or empty
};

// Parses the dashboard's parameters; `current_fy` is the default year. Fails with kInvalidInput
// for an unknown or repeated parameter or an unreadable year (one-line Japanese messages).
// Filter values and whether the year has documents are checked by search::ReadReport.
Result<ReportState> ParseReportState(const std::multimap<std::string, std::string>& params,
                                     int current_fy);

// The URL of `path` with the state's parameters (the year always written).
std::string ReportUrl(const ReportState& state, const std::string& path);

}  // namespace yuimaru::web
