// `yuimaru pack`: a 研修 pack from a list file (the list format is in toolkit/pack.h and
// docs/pack.md), for scripts; the web basket builds the same pack.
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "access/access.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "core/index_layout.h"
#include "search/search.h"
#include "toolkit/pack.h"

namespace yuimaru::cli {
namespace {

constexpr char kPackUsage[] =
    "yuimaru pack --db DB --from FILE --out DIR [--audience 公開|内部|機密] [--clearance 区分] "
    "[--pandoc PATH] [--chromium PATH] [--audit FILE] [--audit-key 鍵ファイル]";

constexpr char kPackHelp[] =
    "\n"
    "一覧ファイルの文書・節から研修パック（印刷用 HTML、Markdown、Word、PDF）を作ります。\n"
    "\n"
    "  --db DB              読む索引\n"
    "  --from FILE          一覧ファイル（1 行に 1 件: DOC_ID または DOC_ID#見出し。\n"
    "                       title: 題名 / note: 表紙の一言 の行、# で始まる行は注釈）\n"
    "  --out DIR            書き出すフォルダ（pack.html, pack.md, pack.docx, pack.pdf）\n"
    "  --audience 区分      パックを渡す相手の区分（既定 公開。公開の勉強会なら 公開）\n"
    "  --clearance 区分     作る人の閲覧区分（既定 機密: 運用者の道具）\n"
    "                       パックは両者の低い方で読んだ本文だけを含みます\n"
    "  --pandoc PATH        Word 出力に使う pandoc（既定 PATH から探す。なければ省略）\n"
    "  --chromium PATH      PDF 出力に使う chromium（同上）\n"
    "  --audit FILE         監査ログ（既定 DB/audit.jsonl）\n"
    "  --audit-key FILE     監査ログの鍵（鍵付きの監査ログのとき）\n"
    "\n"
    "終了コード: 0 完了 / 1 失敗（索引・書き込み） / 2 使い方・一覧の誤り（不明な ID や見出し、"
    "空になるパック） / 3 書き出したが一部の出力を省略した\n";

int Usage(const std::string& message) {
  std::fprintf(stderr, "yuimaru pack: %s（yuimaru pack --help）\n", message.c_str());
  return kExitUsage;
}

std::string OsUser() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER")) return user;
  return "uid " + std::to_string(::geteuid());
}

std::string UtcNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Ids(const toolkit::Pack& pack) {
  std::string out;
  for (const toolkit::PackDoc& d : pack.docs) {
    out += (out.empty() ? "" : ",") + d.id + (d.section.empty() ? "" : "#" + d.section);
  }
  return out;
}

}  // namespace

int RunPackCommand(const Args& args) {
  Flags flags(args, {{"db"},
                     {"from"},
                     {"out"},
                     {"audience"},
                     {"clearance"},
                     {"pandoc"},
                     {"chromium"},
                     {"audit"},
                     {"audit-key"},
                     {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n%s", kPackUsage, kPackHelp);
    return kExitOk;
  }
  if (!flags.error().empty()) return Usage(flags.error());
  if (!flags.positional().empty()) return Usage("余分な引数: " + flags.positional()[0]);
  const auto db = flags.Get("db"), from = flags.Get("from"), out = flags.Get("out");
  if (!db || !from || !out) return Usage("--db, --from, --out が必要です");
  const auto audience = core::ParseClearance(flags.Get("audience").value_or("公開"));
  if (!audience) return Usage("--audience は 公開・内部・機密 のどれかです");
  const auto clearance = core::ParseClearance(flags.Get("clearance").value_or("機密"));
  if (!clearance) return Usage("--clearance は 公開・内部・機密 のどれかです");

  std::ifstream in(*from, std::ios::binary);
  if (!in) return Usage("一覧ファイルを読めません: " + *from);
  std::stringstream text;
  text << in.rdbuf();
  auto list = toolkit::ParsePackList(text.str(), *from);
  if (!list) return Usage(list.error().ToString());

  const std::filesystem::path audit_path =
      flags.Get("audit").value_or((std::filesystem::path(*db) / core::kAuditFile).string());
  auto key = AuditKeyFromFlag(flags.Get("audit-key"), audit_path);
  if (!key) return Usage(key.error().message);
  const access::AuditLog audit(audit_path, *key);
  if (Status s = audit.Check(); !s) {
    std::fprintf(stderr, "yuimaru pack: %s\n", s.error().ToString().c_str());
    return kExitFailure;
  }

  auto searcher = search::Searcher::Open(*db);
  if (!searcher) {
    std::fprintf(stderr, "yuimaru pack: %s\n", searcher.error().ToString().c_str());
    return kExitFailure;
  }
  auto builder = searcher->View(*clearance);
  auto view = searcher->View(toolkit::PackClearance(*clearance, *audience));
  if (!builder || !view) {
    std::fprintf(stderr, "yuimaru pack: %s\n",
                 (!builder ? builder.error() : view.error()).ToString().c_str());
    return kExitFailure;
  }
  auto pack = toolkit::BuildPack(*list, *builder, *view);
  if (!pack) {
    if (pack.error().code == ErrorCode::kInvalidInput) {
      std::fprintf(stderr, "yuimaru pack: %s\n", pack.error().message.c_str());
      return kExitUsage;
    }
    std::fprintf(stderr, "yuimaru pack: %s\n", pack.error().ToString().c_str());
    return kExitFailure;
  }
  // The trail records the pack before any file of it exists: a pack whose line cannot be
  // written is not made (the Check above only catches a trail that is already broken).
  const access::AuditEvent event{"pack",
                                 OsUser(),
                                 "local",
                                 {{"audience", std::string(core::ClearanceLabel(*audience))},
                                  {"clearance", std::string(core::ClearanceLabel(pack->clearance))},
                                  {"ids", Ids(*pack)},
                                  {"out", std::filesystem::absolute(*out).string()}}};
  if (Status s = audit.Append(event, std::chrono::system_clock::now()); !s) {
    std::fprintf(stderr, "yuimaru pack: 監査ログに書けないため、パックを作りませんでした: %s\n",
                 s.error().ToString().c_str());
    return kExitFailure;
  }
  auto outputs = toolkit::WritePack(*pack, UtcNow(), *out, flags.Get("pandoc").value_or(""),
                                    flags.Get("chromium").value_or(""));
  if (!outputs) {
    std::fprintf(stderr, "yuimaru pack: %s\n", outputs.error().ToString().c_str());
    return kExitFailure;
  }
  for (const std::string& name : outputs->written) std::printf("書き出し: %s\n", name.c_str());
  for (const std::string& line : pack->omitted) std::printf("省略: %s\n", line.c_str());
  for (const auto& [name, reason] : outputs->skipped) {
    std::printf("出力せず: %s — %s\n", name.c_str(), reason.c_str());
  }
  return outputs->skipped.empty() ? kExitOk : kExitRejected;
}

}  // namespace yuimaru::cli
