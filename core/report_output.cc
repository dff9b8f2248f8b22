#include "core/report_output.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/fiscal_year.h"

namespace yuimaru::core {
namespace {

ReportCell Text(std::string text) { return {std::move(text), 0, false}; }
ReportCell Number(double n) { return {"", n, true}; }

std::string CellText(const ReportCell& cell) {
  if (!cell.is_number) return cell.text;
  char buf[32];
  if (cell.number == static_cast<double>(static_cast<long long>(cell.number))) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(cell.number));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", cell.number);
  }
  return buf;
}

ReportSheet SummarySheet(const Report& report) {
  ReportSheet sheet{"summary", "概要", {"項目", "値"}, {}};
  sheet.rows.push_back({Text("年度"), Text(ReportYearLabel(report.fiscal_year))});
  sheet.rows.push_back({Text("支援先数"), Number(static_cast<double>(report.firms))});
  sheet.rows.push_back({Text("文書数"), Number(static_cast<double>(report.documents))});
  sheet.rows.push_back({Text("橋渡し件数"), Number(static_cast<double>(report.bridge_total))});
  sheet.rows.push_back(
      {Text("支援の状況が記録された支援先数"), Number(static_cast<double>(report.outcome_firms))});
  sheet.rows.push_back({Text("うち自走化"), Number(static_cast<double>(report.self_running))});
  const double rate = SelfRunningRate(report);
  sheet.rows.push_back({Text("自走化率（%）"), rate < 0 ? Text("—") : Number(rate)});
  sheet.rows.push_back(
      {Text("本質的課題と最初の課題の食い違い"), Text(report.essential_issue_note)});
  return sheet;
}

ReportSheet TableSheet(const ReportTable& table) {
  ReportSheet sheet{table.key, table.title, {"項目", "支援先数", "文書数"}, {}};
  for (const ReportRow& row : table.rows) {
    sheet.rows.push_back({Text(row.label), Number(static_cast<double>(row.firms)),
                          Number(static_cast<double>(row.documents))});
  }
  sheet.rows.push_back(
      {Text(table.none.label), Number(static_cast<double>(table.none.firms)), Text("")});
  return sheet;
}

ReportSheet BridgeSheet(const Report& report) {
  ReportSheet sheet{"bridge_to", "橋渡し件数（橋渡し先・年度別）", {"橋渡し先"}, {}};
  for (int year : report.years) sheet.header.push_back(FiscalYearDisplay(year));
  sheet.header.push_back(report.fiscal_year == kAllYears
                             ? "合計"
                             : "計（" + ReportYearLabel(report.fiscal_year) + "）");
  for (const BridgeRow& row : report.bridges) {
    std::vector<ReportCell> cells = {Text(row.label)};
    for (int year : report.years) {
      auto it = row.by_year.find(year);
      cells.push_back(Number(it == row.by_year.end() ? 0 : static_cast<double>(it->second)));
    }
    cells.push_back(Number(static_cast<double>(row.total)));
    sheet.rows.push_back(std::move(cells));
  }
  return sheet;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + CsvField(fields[i]);
  return line + "\r\n";
}

constexpr char kBom[] = "\xEF\xBB\xBF";

std::string MdCell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace

std::string ReportYearLabel(int fiscal_year) {
  return fiscal_year == kAllYears ? "全年度" : FiscalYearDisplay(fiscal_year);
}

std::vector<ReportSheet> ReportSheets(const Report& report) {
  std::vector<ReportSheet> sheets = {SummarySheet(report)};
  for (const ReportTable& table : report.tables) sheets.push_back(TableSheet(table));
  sheets.push_back(BridgeSheet(report));
  return sheets;
}

const ReportSheet* FindSheet(const std::vector<ReportSheet>& sheets, std::string_view key) {
  for (const ReportSheet& s : sheets) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

std::string ReportJson(const Report& report, const ReportContext& context) {
  nlohmann::ordered_json j;
  j["fiscal_year"] = report.fiscal_year == kAllYears ? nlohmann::ordered_json(nullptr)
                                                     : nlohmann::ordered_json(report.fiscal_year);
  j["fiscal_year_label"] = ReportYearLabel(report.fiscal_year);
  j["clearance"] = context.clearance;
  j["filters"] = nlohmann::ordered_json::array();
  for (const auto& [k, v] : context.filters) j["filters"].push_back({{"key", k}, {"value", v}});
  j["years"] = report.years;
  j["firms"] = report.firms;
  j["documents"] = report.documents;
  j["bridges"] = report.bridge_total;
  const double rate = SelfRunningRate(report);
  j["self_running_rate"] =
      rate < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(rate);
  j["essential_issue_note"] = report.essential_issue_note;
  j["tables"] = nlohmann::ordered_json::array();
  for (const ReportSheet& sheet : ReportSheets(report)) {
    nlohmann::ordered_json t;
    t["key"] = sheet.key;
    t["title"] = sheet.title;
    t["header"] = sheet.header;
    t["rows"] = nlohmann::ordered_json::array();
    for (const auto& row : sheet.rows) {
      nlohmann::ordered_json cells = nlohmann::ordered_json::array();
      for (const ReportCell& c : row) {
        if (c.is_number) {
          cells.push_back(c.number);
        } else {
          cells.push_back(c.text);
        }
      }
      t["rows"].push_back(std::move(cells));
    }
    j["tables"].push_back(std::move(t));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string SheetCsv(const ReportSheet& sheet) {
  std::string out = kBom + CsvLine(sheet.header);
  for (const auto& row : sheet.rows) {
    std::vector<std::string> fields;
    for (const ReportCell& c : row) fields.push_back(CellText(c));
    out += CsvLine(fields);
  }
  return out;
}

std::string ReportCsv(const Report& report) {
  std::string out = kBom;
  bool first = true;
  for (const ReportSheet& sheet : ReportSheets(report)) {
    if (!first) out += "\r\n";
    first = false;
    std::vector<std::string> header = {"表"};
    header.insert(header.end(), sheet.header.begin(), sheet.header.end());
    out += CsvLine(header);
    for (const auto& row : sheet.rows) {
      std::vector<std::string> fields = {sheet.title};
      for (const ReportCell& c : row) fields.push_back(CellText(c));
      out += CsvLine(fields);
    }
  }
  return out;
}

std::string ReportMarkdown(const Report& report, const ReportContext& context) {
  std::string out = "# 実績報告 " + ReportYearLabel(report.fiscal_year) + "\n\n";
  out += "- 閲覧区分: " + MdCell(context.clearance) + "\n";
  std::string filters;
  for (const auto& [k, v] : context.filters) filters += (filters.empty() ? "" : ", ") + k + "=" + v;
  out += "- 絞り込み: " + MdCell(filters.empty() ? "なし" : filters) + "\n";
  for (const ReportSheet& sheet : ReportSheets(report)) {
    out += "\n## " + MdCell(sheet.title) + "\n\n|";
    std::string rule = "|";
    for (const std::string& h : sheet.header) {
      out += " " + MdCell(h) + " |";
      rule += "---|";
    }
    out += "\n" + rule + "\n";
    for (const auto& row : sheet.rows) {
      out += "|";
      for (const ReportCell& c : row) out += " " + MdCell(CellText(c)) + " |";
      out += "\n";
    }
  }
  return out;
}

Status WriteReportXlsx(const std::vector<ReportSheet>& sheets, const std::filesystem::path& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) {
    return MakeError(ErrorCode::kIo, "report.xlsx", "Excel ファイルを作れません: " + path.string());
  }
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  for (const ReportSheet& sheet : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(book, sheet.title.c_str());
    if (ws == nullptr) ws = workbook_add_worksheet(book, nullptr);  // a title Excel refuses
    worksheet_set_column(ws, 0, 0, 36, nullptr);
    for (size_t c = 0; c < sheet.header.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), sheet.header[c].c_str(), bold);
    }
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const ReportCell& cell = sheet.rows[r][c];
        const auto row = static_cast<lxw_row_t>(r + 1);
        const auto col = static_cast<lxw_col_t>(c);
        if (cell.is_number) {
          worksheet_write_number(ws, row, col, cell.number, nullptr);
        } else if (!cell.text.empty()) {
          worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr);
        }
      }
    }
  }
  if (workbook_close(book) != LXW_NO_ERROR) {
    return MakeError(ErrorCode::kIo, "report.xlsx",
                     "Excel ファイルを書き込めません: " + path.string());
  }
  return Status::Ok();
}

}  // namespace yuimaru::core
