// The 実績報告 (core/firm_figures.h) as tables and files: JSON, CSV (UTF-8 with BOM), Markdown
// and an Excel workbook with real cells. One rendering for `yuimaru report` and the dashboard's
// downloads, so the two cannot disagree.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/firm_figures.h"
#include "core/result.h"

namespace yuimaru::core {

// What a report was computed from, printed with it.
struct ReportContext {
  std::string clearance;                                     // 公開 / 内部 / 機密
  std::vector<std::pair<std::string, std::string>> filters;  // as given
};

struct ReportCell {
  std::string text;  // shown as text when !is_number
  double number = 0;
  bool is_number = false;
};

// One table of the report, as every format writes it.
struct ReportSheet {
  std::string
      key;  // summary, industry, region, ritou, employees, phase, outcome, issues, bridge_to
  std::string title;  // 支援先数（業種別）
  std::vector<std::string> header;
  std::vector<std::vector<ReportCell>> rows;
};

// 「2025年度（令和7年度）」, or 全年度 for kAllYears.
std::string ReportYearLabel(int fiscal_year);

// The tables of `report`: summary (支援先数, 文書数, 橋渡し件数, 自走化率), then each ReportTable
// (項目, 支援先数, 文書数; 該当なし last), then 橋渡し件数 by 橋渡し先 with a column per year.
std::vector<ReportSheet> ReportSheets(const Report& report);

// The sheet of `key`, or nullptr.
const ReportSheet* FindSheet(const std::vector<ReportSheet>& sheets, std::string_view key);

// {"fiscal_year": 2025 or null, "fiscal_year_label", "clearance", "filters", "years", "firms",
//  "documents", "self_running_rate" (null when no firm has a 支援の状況), "essential_issue_note",
//  "tables": [{"key", "title", "header", "rows": [[…]]}]} — the sheets, cells as numbers or
//  strings.
std::string ReportJson(const Report& report, const ReportContext& context);

// CSV with a UTF-8 BOM and CRLF line ends (what Excel opens as UTF-8). One sheet; cells that hold
// a comma, quote or line end are quoted.
std::string SheetCsv(const ReportSheet& sheet);
// Every sheet in one CSV: 表,<the sheet's header…> per sheet, a blank line between sheets.
std::string ReportCsv(const Report& report);

// A Markdown document: title, context, and each sheet as a pipe table.
std::string ReportMarkdown(const Report& report, const ReportContext& context);

// Writes `sheets` as an .xlsx workbook at `path` (one worksheet per sheet, numbers as numeric
// cells). Fails with kIo ("report.xlsx") if the file cannot be written.
Status WriteReportXlsx(const std::vector<ReportSheet>& sheets, const std::filesystem::path& path);

}  // namespace yuimaru::core
