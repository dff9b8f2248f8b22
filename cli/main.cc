// yuimaru: the command-line entry point, a dispatch table of subcommands.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace yuimaru::cli {
namespace {

struct Command {
  const char* name;
  const char* help;
  int (*run)(const Args&);
};

constexpr Command kCommands[] = {
    {"index", "Markdown の文書を索引する（差分更新）", RunIndexCommand},
    {"lint", "文書のフロントマターと書式を検査する（索引しない）", RunLintCommand},
    {"search", "索引を検索する", RunSearchCommand},
    {"serve", "Web 画面と JSON API を起動する", RunServeCommand},
    {"serve-shard", "索引を閲覧区分 1 つの範囲で全国ビューに提供する（xapian-tcpsrv）",
     RunServeShardCommand},
    {"show", "文書を 1 件表示する", RunShowCommand},
    {"related", "似た文書を探す", RunRelatedCommand},
    {"stats", "索引の文書数・ファセット別件数・サイズ", RunStatsCommand},
    {"eval", "検索の適合性を評価する（MRR@10, nDCG@10, Recall）", RunEvalCommand},
    {"user", "情報取扱者名簿（利用者・役割・閲覧区分）を管理する", RunUserCommand},
    {"audit", "監査ログのハッシュ連鎖を検証・修復する", RunAuditCommand},
    {"anonymize", "対応表で実名を ID に置き換えた写しを作る", RunAnonymizeCommand},
    {"purge", "文書を索引から完全に消去し、廃棄証明を出す", RunPurgeCommand},
    {"report", "実績報告（年度別の支援先数・文書数）を表示・出力する", RunReportCommand},
    {"followups", "フォローアップ一覧（次回訪問・⑤の記録なし・年度別の支援終了）",
     RunFollowupsCommand},
    {"export", "横展開フォルダ（公表用・当局用）を書き出す", RunExportCommand},
    {"verify-export", "書き出したフォルダのファイルと署名を検証する", RunVerifyExportCommand},
    {"pack", "一覧の文書・節から研修パック（HTML・Markdown・Word・PDF）を作る", RunPackCommand},
};

int Help(FILE* out) {
  std::fprintf(
      out,
      "yuimaru — 伴走支援ノウハウの検索エンジン\n\n使い方: yuimaru <コマンド> [オプション]\n\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-8s %s\n", c.name, c.help);
  std::fprintf(out, "\n各コマンドの説明: yuimaru <コマンド> --help\n");
  return out == stdout ? kExitOk : kExitUsage;
}

}  // namespace

int UsageError(const std::string& command, const std::string& message, const std::string& usage) {
  std::fprintf(stderr, "yuimaru %s: %s\n使い方: %s\n", command.c_str(), message.c_str(),
               usage.c_str());
  return kExitUsage;
}

}  // namespace yuimaru::cli

int main(int argc, char** argv) {
  using namespace yuimaru::cli;
  // Index files, roster, audit trail and exports hold the contract's data: whatever the
  // caller's umask, nothing yuimaru creates is readable by other local accounts (0700 / 0600).
  ::umask(077);
  if (argc < 2) return Help(stderr);
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") return Help(stdout);
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(Args(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "yuimaru: 不明なコマンド「%s」\n", name.c_str());
  return Help(stderr);
}
