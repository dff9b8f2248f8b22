// ParseReportYear and ReadReport: the reading of a view that `yuimaru report` and the dashboard
// share; the counting itself is core/firm_figures.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/fiscal_year.h"
#include "core/normalizer.h"
#include "search/search.h"

namespace yuimaru::search {

Result<int> ParseReportYear(std::string_view text, int current_fy) {
  const std::string folded = core::NormalizeToUtf8(text);
  if (folded == "all" || folded == "全年度" || folded == "全期間") return core::kAllYears;
  if (auto year = core::ParseFiscalYear(text, current_fy)) return *year;
  return MakeError(ErrorCode::kInvalidInput, "report.year",
                   "年度「" + std::string(text) + "」を読めません（例: 2025, 令和7年度, all）");
}

Result<core::Report> ReadReport(const SearchView& view,
                                const std::vector<std::pair<std::string, std::string>>& filters,
                                int fiscal_year, YearCheck check) {
  if (fiscal_year != core::kAllYears && check == YearCheck::kMustHaveDocuments) {
    // The years of the whole view, not of the filtered set: a filter that selects nothing in
    // a year is an answer (zero), a year without any document is a mistake.
    auto stats = view.Stats();
    if (!stats) return stats.error();
    std::vector<std::string> years;
    for (const FacetResult& facet : stats->facets) {
      if (facet.key != "fiscal_year") continue;
      for (const FacetValueCount& v : facet.values) years.push_back(v.label);
    }
    if (std::find(years.begin(), years.end(), std::to_string(fiscal_year)) == years.end()) {
      std::sort(years.begin(), years.end());
      std::string known;
      for (const std::string& y : years) known += (known.empty() ? "" : ", ") + y;
      return MakeError(ErrorCode::kInvalidInput, "report.year.unknown",
                       core::FiscalYearDisplay(fiscal_year) + "の文書は索引にありません（" +
                           (known.empty() ? std::string("文書なし") : "ある年度: " + known) + "）");
    }
  }
  auto records = ReadRecords(view, filters);
  if (!records) return records.error();
  return core::ComputeReport(core::ToFirmDocs(std::move(*records)), fiscal_year);
}

}  // namespace yuimaru::search
