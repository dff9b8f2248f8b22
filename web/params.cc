#include "web/params.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/html.h"
#include "core/schema.h"

namespace yuimaru::web {

using core::QueryString;
namespace {

Error ParamError(std::string rule, std::string message) {
  return ErrorAt(ErrorCode::kInvalidInput, std::move(rule), std::move(message), "request");
}

bool ParseInt(const std::string& s, int lo, int hi, int& out) {
  if (s.empty() || s.size() > 6) return false;
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (*end != '\0' || v < lo || v > hi) return false;
  out = static_cast<int>(v);
  return true;
}

}  // namespace

bool SearchState::HasFilter(const std::string& key, const std::string& value) const {
  return std::find(filters.begin(), filters.end(), std::make_pair(key, value)) != filters.end();
}

SearchState SearchState::WithFilter(const std::string& key, const std::string& value) const {
  SearchState s = *this;
  if (!s.HasFilter(key, value)) s.filters.emplace_back(key, value);
  s.page = 1;
  return s;
}

SearchState SearchState::WithoutFilter(const std::string& key, const std::string& value) const {
  SearchState s = *this;
  s.filters.erase(std::remove(s.filters.begin(), s.filters.end(), std::make_pair(key, value)),
                  s.filters.end());
  s.page = 1;
  return s;
}

SearchState SearchState::WithPage(int p) const {
  SearchState s = *this;
  s.page = p;
  return s;
}

SearchState SearchState::WithSort(const std::string& sort_order) const {
  SearchState s = *this;
  s.sort = sort_order;
  s.page = 1;
  return s;
}

Result<SearchState> ParseSearchState(const std::multimap<std::string, std::string>& params) {
  SearchState s;
  std::set<std::string> seen;
  for (const auto& [key, value] : params) {
    const bool single = key == "q" || key == "from" || key == "to" || key == "sort" ||
                        key == "page" || key == "per" || key == "explain" || key == "syn";
    if (single && !seen.insert(key).second) {
      return ParamError("param.repeated", "パラメータ「" + key + "」が複数あります");
    }
    if (key == "q") {
      s.q = value;
    } else if (key == "from" || key == "to") {
      (key == "from" ? s.from : s.to) = value;  // checked by search (query.date)
    } else if (key == "sort") {
      if (value != "" && value != "relevance" && value != "newest" && value != "oldest") {
        return ParamError("param.sort", "sort は relevance / newest / oldest のいずれかです");
      }
      s.sort = value == "relevance" ? "" : value;
    } else if (key == "page") {
      if (!ParseInt(value, 1, kMaxPage, s.page)) {
        return ParamError("param.page", "page は 1〜" + std::to_string(kMaxPage) + " の整数です");
      }
    } else if (key == "per") {
      if (!ParseInt(value, 1, 100, s.per) ||
          (s.per != 10 && s.per != 20 && s.per != 50 && s.per != 100)) {
        return ParamError("param.per", "per は 10 / 20 / 50 / 100 のいずれかです");
      }
    } else if (key == "explain") {
      s.explain = value == "1";
    } else if (key == "syn") {
      s.synonyms = value != "0";
    } else if (core::FindField(key) != nullptr || key == "doc_id" || key == "company_id") {
      // A filter given twice (industry=製造業 and the same value percent-encoded) is one filter,
      // as WithFilter keeps it: else the page's links, which cpp-httplib's parser deduplicates,
      // would not give this state back.
      if (!value.empty() && !s.HasFilter(key, value)) s.filters.emplace_back(key, value);
    } else {
      return ParamError("param.unknown", "不明なパラメータ「" + key + "」です");
    }
  }
  return s;
}

search::SearchRequest ToRequest(const SearchState& s) {
  search::SearchRequest r;
  r.query = s.q;
  r.filters = s.filters;
  r.date_from = s.from;
  r.date_to = s.to;
  r.sort = s.sort == "newest"   ? search::SortOrder::kNewest
           : s.sort == "oldest" ? search::SortOrder::kOldest
                                : search::SortOrder::kRelevance;
  r.offset = static_cast<size_t>(s.page - 1) * static_cast<size_t>(s.per);
  r.limit = static_cast<size_t>(s.per);
  r.explain = s.explain ? search::ExplainMode::kOn : search::ExplainMode::kOff;
  r.synonyms = s.synonyms ? search::SynonymMode::kOn : search::SynonymMode::kOff;
  return r;
}

std::vector<std::pair<std::string, std::string>> StateParams(const SearchState& s) {
  std::vector<std::pair<std::string, std::string>> p;
  if (!s.q.empty()) p.emplace_back("q", s.q);
  for (const auto& f : s.filters) p.push_back(f);
  if (!s.from.empty()) p.emplace_back("from", s.from);
  if (!s.to.empty()) p.emplace_back("to", s.to);
  if (!s.sort.empty()) p.emplace_back("sort", s.sort);
  if (s.page != 1) p.emplace_back("page", std::to_string(s.page));
  if (s.per != 20) p.emplace_back("per", std::to_string(s.per));
  if (s.explain) p.emplace_back("explain", "1");
  if (!s.synonyms) p.emplace_back("syn", "0");
  return p;
}

std::string StateUrl(const SearchState& s, const std::string& path) {
  const std::string qs = QueryString(StateParams(s));
  return qs.empty() ? path : path + "?" + qs;
}

Result<ReportState> ParseReportState(const std::multimap<std::string, std::string>& params,
                                     int current_fy) {
  ReportState s;
  s.fiscal_year = current_fy;
  std::set<std::string> seen;
  for (const auto& [key, value] : params) {
    if ((key == "fiscal_year" || key == "table") && !seen.insert(key).second) {
      return ParamError("param.repeated", "パラメータ「" + key + "」が複数あります");
    }
    if (key == "fiscal_year") {
      if (value.empty()) continue;
      auto year = search::ParseReportYear(value, current_fy);
      if (!year) return ParamError(year.error().rule, year.error().message);
      s.fiscal_year = *year;
      s.year_given = true;
    } else if (key == "table") {
      s.table = value;
    } else if (core::FindField(key) != nullptr) {
      if (!value.empty() && std::find(s.filters.begin(), s.filters.end(),
                                      std::make_pair(key, value)) == s.filters.end()) {
        s.filters.emplace_back(key, value);
      }
    } else {
      return ParamError("param.unknown", "不明なパラメータ「" + key + "」です");
    }
  }
  return s;
}

std::string ReportUrl(const ReportState& s, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> p;
  p.emplace_back("fiscal_year",
                 s.fiscal_year == core::kAllYears ? "all" : std::to_string(s.fiscal_year));
  for (const auto& f : s.filters) p.push_back(f);
  if (!s.table.empty()) p.emplace_back("table", s.table);
  return path + "?" + QueryString(p);
}

}  // namespace yuimaru::web
