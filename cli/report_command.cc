// yuimaru report: the 実績報告 (firms and documents of a fiscal year) of one clearance view, as
// Markdown, CSV, JSON or an Excel workbook; the same figures as the dashboard.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/flags.h"
#include "core/fiscal_year.h"
#include "core/report_output.h"
#include "core/schema.h"
#include "search/search.h"

namespace yuimaru::cli {
namespace {

constexpr char kReportUsage[] =
    "yuimaru report --db DB [--year 2025|令和7年度|all] [--clearance 公開|内部|機密]\n"
    "         [--filter KEY=VALUE]... [--format md|csv|xlsx|json] [--out FILE] [--today "
    "YYYY-MM-DD]";

int Fail(const Error& e) {
  std::fprintf(stderr, "yuimaru report: %s\n", e.ToString().c_str());
  return e.code == ErrorCode::kInvalidInput ? kExitUsage : kExitFailure;
}

// Today's date from the clock, or --today (for tests and for reports as of a past day).
Result<core::Date> Today(const Flags& flags) {
  if (const auto text = flags.Get("today")) {
    if (auto d = core::ParseDate(*text)) return *d;
    return MakeError(ErrorCode::kInvalidInput, "report.today",
                     "--today は YYYY-MM-DD で指定してください: " + *text);
  }
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return core::Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

Status WriteText(const std::string& text, const std::optional<std::string>& out) {
  if (!out) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return Status::Ok();
  }
  std::ofstream file(*out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    return MakeError(ErrorCode::kIo, "report.write", "書き込めません: " + *out);
  }
  return Status::Ok();
}

}  // namespace

int RunReportCommand(const Args& args) {
  Flags flags(args, {{"db"},
                     {"year"},
                     {"clearance"},
                     {"filter", true, true},
                     {"format"},
                     {"out"},
                     {"today"},
                     {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kReportUsage);
    return kExitOk;
  }
  if (!flags.error().empty()) return UsageError("report", flags.error(), kReportUsage);
  const auto db = flags.Get("db");
  if (!db) return UsageError("report", "--db がありません", kReportUsage);
  core::Clearance clearance = core::Clearance::kConfidential;  // the operator's tool
  if (const auto c = flags.Get("clearance")) {
    const auto parsed = core::ParseClearance(*c);
    if (!parsed) {
      return UsageError("report", "--clearance は 公開 / 内部 / 機密 のいずれかです", kReportUsage);
    }
    clearance = *parsed;
  }
  const std::string format = flags.Get("format").value_or("md");
  if (format != "md" && format != "csv" && format != "xlsx" && format != "json") {
    return UsageError("report", "--format は md / csv / xlsx / json のいずれかです", kReportUsage);
  }
  const auto out = flags.Get("out");
  if (format == "xlsx" && !out) {
    return UsageError("report", "--format xlsx には --out FILE が必要です", kReportUsage);
  }
  std::vector<std::pair<std::string, std::string>> filters;
  for (const auto& f : flags.GetAll("filter")) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError("report", "--filter は KEY=VALUE の形で指定してください: " + f,
                        kReportUsage);
    }
    filters.emplace_back(f.substr(0, eq), f.substr(eq + 1));
  }
  auto today = Today(flags);
  if (!today) return Fail(today.error());
  const int current_fy = core::FiscalYearOf(*today);
  int year = current_fy;
  search::YearCheck check = search::YearCheck::kAny;
  if (const auto text = flags.Get("year")) {
    auto parsed = search::ParseReportYear(*text, current_fy);
    if (!parsed) return Fail(parsed.error());
    year = *parsed;
    check = search::YearCheck::kMustHaveDocuments;
  }

  auto searcher = search::Searcher::Open(*db);
  if (!searcher) return Fail(searcher.error());
  auto view = searcher->View(clearance);
  if (!view) return Fail(view.error());
  auto report = search::ReadReport(*view, filters, year, check);
  if (!report) return Fail(report.error());

  const core::ReportContext context{std::string(core::ClearanceLabel(clearance)), filters};
  Status written = Status::Ok();
  if (format == "xlsx") {
    written = core::WriteReportXlsx(core::ReportSheets(*report), *out);
  } else if (format == "json") {
    written = WriteText(core::ReportJson(*report, context), out);
  } else if (format == "csv") {
    written = WriteText(core::ReportCsv(*report), out);
  } else {
    written = WriteText(core::ReportMarkdown(*report, context), out);
  }
  if (!written) return Fail(written.error());
  return kExitOk;
}

}  // namespace yuimaru::cli
