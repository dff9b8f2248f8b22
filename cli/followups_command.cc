// yuimaru followups: the follow-up list (next visits due, quiet ⑤ firms, support ended per past
// fiscal year) of one clearance view, as text or JSON.
#include <cstdio>
#include <ctime>
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"
#include "core/fiscal_year.h"
#include "core/followups.h"
#include "core/schema.h"
#include "search/search.h"

namespace yuimaru::cli {
namespace {

constexpr char kFollowupsUsage[] =
    "yuimaru followups --db DB [--json] [--today YYYY-MM-DD] [--quiet-months N] [--clearance "
    "公開|内部|機密]";

int Fail(const Error& e) {
  std::fprintf(stderr, "yuimaru followups: %s\n", e.ToString().c_str());
  return e.code == ErrorCode::kInvalidInput ? kExitUsage : kExitFailure;
}

void PrintList(const char* title, const std::vector<core::FollowupFirm>& firms) {
  std::printf("## %s（%zu 社）\n", title, firms.size());
  for (const auto& f : firms) {
    std::printf("  %s  %s  %s  （%s、/firm/%s）\n", f.company_id.c_str(), f.date.c_str(),
                f.detail.c_str(), f.source.c_str(), f.company_id.c_str());
  }
}

}  // namespace

int RunFollowupsCommand(const Args& args) {
  Flags flags(
      args, {{"db"}, {"json", false}, {"today"}, {"quiet-months"}, {"clearance"}, {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kFollowupsUsage);
    return kExitOk;
  }
  core::FollowupOptions options;
  options.quiet_months = static_cast<int>(flags.GetInt("quiet-months", 6, 1, 120));
  if (!flags.error().empty()) return UsageError("followups", flags.error(), kFollowupsUsage);
  const auto db = flags.Get("db");
  if (!db) return UsageError("followups", "--db がありません", kFollowupsUsage);
  core::Clearance clearance = core::Clearance::kConfidential;
  if (const auto c = flags.Get("clearance")) {
    const auto parsed = core::ParseClearance(*c);
    if (!parsed) {
      return UsageError("followups", "--clearance は 公開 / 内部 / 機密 のいずれかです",
                        kFollowupsUsage);
    }
    clearance = *parsed;
  }
  if (const auto text = flags.Get("today")) {
    const auto d = core::ParseDate(*text);
    if (!d) {
      return UsageError("followups", "--today は YYYY-MM-DD で指定してください: " + *text,
                        kFollowupsUsage);
    }
    options.today = *d;
  } else {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    options.today = core::Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
  }
  auto searcher = search::Searcher::Open(*db);
  if (!searcher) return Fail(searcher.error());
  auto view = searcher->View(clearance);
  if (!view) return Fail(view.error());
  auto records = search::ReadRecords(*view, {});
  if (!records) return Fail(records.error());
  const core::Followups f = core::ComputeFollowups(core::ToFirmDocs(std::move(*records)), options);
  if (flags.Has("json")) {
    const std::string json = core::FollowupsJson(f, options);
    std::fwrite(json.data(), 1, json.size(), stdout);
    return kExitOk;
  }
  std::printf("フォローアップ一覧（%s 現在）\n", options.today.ToString().c_str());
  PrintList("次回訪問が期限切れ・14日以内", f.next_visit_due);
  PrintList(("⑤支援終了後で " + std::to_string(options.quiet_months) + " か月記録なし").c_str(),
            f.quiet_after_end);
  for (const auto& [year, firms] : f.ended_by_year) {
    PrintList(("支援終了 " + core::FiscalYearDisplay(year)).c_str(), firms);
  }
  return kExitOk;
}

}  // namespace yuimaru::cli
