// `yuimaru user …` (the handler roster) and `yuimaru audit verify|repair` (the audit chain).
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "access/access.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "core/index_layout.h"
#include "core/pii.h"
#include "core/utf8.h"
#include "indexer/indexer.h"

namespace yuimaru::cli {
namespace {

constexpr char kUserUsage[] =
    "yuimaru user add|passwd|disable|enable|list (--users FILE | --db DB) [--audit FILE (既定 "
    "名簿と同じ場所の audit.jsonl)] [--audit-key 鍵ファイル] "
    "[--name 表示名] [--role 閲覧者|コンサルタント|事務局|管理者] [--clearance 公開|内部|機密] "
    "[--generate-password] [ID]";

// A password from stdin: typed without echo on a terminal, else the first line (scripts).
std::string ReadPassword(const char* prompt) {
  const bool tty = isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int Fail(const Error& e) {
  std::fprintf(stderr, "%s\n", e.ToString().c_str());
  return e.code == ErrorCode::kInvalidInput ? kExitUsage : kExitFailure;
}

}  // namespace

Result<std::string> AuditKeyFromFlag(const std::optional<std::string>& file,
                                     const std::filesystem::path& audit) {
  if (!file) return std::string();
  std::error_code ec;
  const auto key_path = std::filesystem::weakly_canonical(*file, ec);
  const auto dir = std::filesystem::weakly_canonical(
      audit.parent_path().empty() ? std::filesystem::path(".") : audit.parent_path(), ec);
  const std::string k = key_path.string(), d = dir.string() + "/";
  if (k.compare(0, d.size(), d) == 0) {
    return MakeError(
        ErrorCode::kInvalidInput, "audit.key",
        "監査ログの鍵は監査ログと別の場所（DB の外、できれば別の媒体）に置いてください: " + *file);
  }
  return access::LoadAuditKey(*file);
}

std::filesystem::path UsersPath(const std::optional<std::string>& users,
                                const std::optional<std::string>& db) {
  if (users) return *users;
  if (db) return std::filesystem::path(*db) / core::kUsersFile;
  return {};
}

int RunUserCommand(const Args& args) {
  Flags flags(args, {{"users"},
                     {"db"},
                     {"audit"},
                     {"audit-key"},
                     {"name"},
                     {"role"},
                     {"clearance"},
                     {"generate-password", false},
                     {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kUserUsage);
    return kExitOk;
  }
  if (!flags.error().empty()) return UsageError("user", flags.error(), kUserUsage);
  const auto& pos = flags.positional();
  if (pos.empty())
    return UsageError("user", "操作（add / passwd / disable / enable / list）がありません",
                      kUserUsage);
  const std::string op = pos[0];
  const std::filesystem::path path = UsersPath(flags.Get("users"), flags.Get("db"));
  if (path.empty()) return UsageError("user", "--users か --db が必要です", kUserUsage);
  auto roster = access::Roster::Load(path);
  if (!roster) return Fail(roster.error());
  const auto now = std::chrono::system_clock::now();

  if (op == "list") {
    if (pos.size() != 1) return UsageError("user", "list は ID を取りません", kUserUsage);
    std::printf("%-16s %-14s %-10s %-6s %-8s %s\n", "ID", "表示名", "役割", "区分", "状態", "更新");
    for (const auto& u : roster->users()) {
      std::printf("%-16s %-14s %-10s %-6s %-8s %s\n", u.id.c_str(), u.name.c_str(),
                  std::string(access::RoleLabel(u.role)).c_str(),
                  std::string(core::ClearanceLabel(u.clearance)).c_str(),
                  u.disabled ? "停止中" : "有効", u.updated.c_str());
    }
    return kExitOk;
  }
  if (pos.size() != 2) return UsageError("user", op + " には ID が 1 つ必要です", kUserUsage);
  const std::string id = pos[1];
  std::string password;
  auto take_password = [&]() {
    if (flags.Has("generate-password")) {
      password = access::RandomHex(9);  // 18 characters, 72 bits
      return;
    }
    password = ReadPassword("パスワード（12文字以上）: ");
  };
  Status status = Status::Ok();
  std::string action;
  if (op == "add") {
    access::User user;
    user.id = id;
    user.name = flags.Get("name").value_or(id);
    if (auto r = flags.Get("role")) {
      const auto role = access::ParseRole(*r);
      if (!role) return UsageError("user", "--role が不明です: " + *r, kUserUsage);
      user.role = *role;
    }
    if (auto c = flags.Get("clearance")) {
      const auto clearance = core::ParseClearance(*c);
      if (!clearance)
        return UsageError("user", "--clearance は 公開 / 内部 / 機密 です", kUserUsage);
      user.clearance = *clearance;
    }
    take_password();
    status = roster->Add(std::move(user), password, now);
    action = "user-add";
  } else if (op == "passwd") {
    take_password();
    status = roster->SetPassword(id, password, now);
    action = "user-passwd";
  } else if (op == "disable" || op == "enable") {
    status = roster->SetDisabled(id, op == "disable", now);
    action = "user-" + op;
  } else {
    return UsageError("user", "不明な操作: " + op, kUserUsage);
  }
  if (!status) return Fail(status.error());
  // Like purge, every roster change goes to the trail beside the roster (DB/audit.jsonl) unless
  // --audit names another; a trail that cannot take the entry refuses the change.
  const std::filesystem::path audit_path =
      flags.Get("audit").value_or((path.parent_path() / core::kAuditFile).string());
  auto key = AuditKeyFromFlag(flags.Get("audit-key"), audit_path);
  if (!key) return Fail(key.error());
  const access::AuditLog audit(audit_path, *key);
  if (Status healthy = audit.Check(); !healthy) return Fail(healthy.error());
  if (Status saved = roster->Save(path); !saved) return Fail(saved.error());
  {
    const access::User* u = roster->Find(id);
    access::AuditEvent event{action, "(cli)", "local", {{"target", id}}};
    if (u) {
      event.fields.emplace_back("role", std::string(access::RoleLabel(u->role)));
      event.fields.emplace_back("clearance", std::string(core::ClearanceLabel(u->clearance)));
    }
    if (Status s = audit.Append(event, now); !s) return Fail(s.error());
  }
  if (flags.Has("generate-password") && !password.empty()) {
    // The only place the password ever appears: the operator's terminal, once.
    std::printf("%s のパスワード: %s\n", id.c_str(), password.c_str());
  } else {
    std::printf("%s: %s を更新しました\n", id.c_str(), path.c_str());
  }
  return kExitOk;
}

int RunAuditCommand(const Args& args) {
  constexpr char kAuditUsage[] =
      "yuimaru audit verify|repair (FILE | --db DB | --audit FILE)（既定 DB/audit.jsonl） "
      "[--audit-key 鍵ファイル]";
  Flags flags(args, {{"db"}, {"audit"}, {"audit-key"}, {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kAuditUsage);
    return kExitOk;
  }
  if (!flags.error().empty()) return UsageError("audit", flags.error(), kAuditUsage);
  const auto& pos = flags.positional();
  if (pos.empty() || (pos[0] != "verify" && pos[0] != "repair"))
    return UsageError("audit", "verify か repair を指定してください", kAuditUsage);
  std::string file;
  if (pos.size() == 2) {
    file = pos[1];
  } else if (pos.size() == 1 && flags.Get("audit")) {
    file = *flags.Get("audit");
  } else if (pos.size() == 1 && flags.Get("db")) {
    file = (std::filesystem::path(*flags.Get("db")) / core::kAuditFile).string();
  } else {
    return UsageError("audit", "監査ログのファイルを 1 つ指定してください", kAuditUsage);
  }
  auto key = AuditKeyFromFlag(flags.Get("audit-key"), file);
  if (!key) return Fail(key.error());
  if (pos[0] == "repair") {
    auto repaired = access::RepairAuditLog(file, std::chrono::system_clock::now(), *key);
    if (!repaired && repaired.error().rule == "audit.repair.not-needed") {
      std::printf("%s\n", repaired.error().message.c_str());
      return kExitOk;
    }
    if (!repaired) return Fail(repaired.error());
    std::printf(
        "%s: 新しい区間を始めました。壊れたログは %s に残しました（%llu 行目まで正常、最終ハッシュ "
        "%s、以降の %llu バイトの SHA-256 %s）\n",
        file.c_str(), repaired->file.c_str(),
        static_cast<unsigned long long>(repaired->last_good_seq), repaired->last_good_hash.c_str(),
        static_cast<unsigned long long>(repaired->broken_bytes), repaired->broken_sha256.c_str());
    return kExitOk;
  }
  auto v = access::VerifyAuditLog(file, *key);
  if (!v) return Fail(v.error());
  // Repaired breaks are part of the history: the chain is intact, but a reader must see them.
  for (const auto& b : v->breaks) {
    std::printf(
        "%s: 注意: 通し番号 %llu の後が壊れていたため、%s に修復で新しい区間を始めました"
        "（壊れた %llu バイトの SHA-256 %s）\n",
        b.file.c_str(), static_cast<unsigned long long>(b.last_good_seq), b.time.c_str(),
        static_cast<unsigned long long>(b.broken_bytes), b.broken_sha256.c_str());
  }
  if (v->first_broken != 0) {
    std::printf("%s:%llu: audit.chain-broken: %s（%llu 行目までは検証済み）\n",
                v->broken_file.c_str(), static_cast<unsigned long long>(v->first_broken),
                v->reason.c_str(), static_cast<unsigned long long>(v->first_broken - 1));
    return kExitRejected;
  }
  std::printf("%s: %llu 行、ハッシュ連鎖は正常です（最終ハッシュ %s）\n", file.c_str(),
              static_cast<unsigned long long>(v->lines), v->last_hash.c_str());
  return kExitOk;
}

int RunAnonymizeCommand(const Args& args) {
  constexpr char kUsage[] = "yuimaru anonymize --map 対応表.tsv IN OUT（ファイルかディレクトリ）";
  Flags flags(args, {{"map"}, {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kUsage);
    return kExitOk;
  }
  if (!flags.error().empty()) return UsageError("anonymize", flags.error(), kUsage);
  const auto map_path = flags.Get("map");
  if (!map_path) return UsageError("anonymize", "--map がありません", kUsage);
  if (flags.positional().size() != 2)
    return UsageError("anonymize", "IN と OUT が必要です", kUsage);
  auto map = core::LoadAnonymizeMap(*map_path);
  if (!map) return Fail(map.error());
  namespace fs = std::filesystem;
  const fs::path in = flags.positional()[0], out = flags.positional()[1];
  std::error_code ec;
  if (fs::exists(out, ec) && fs::equivalent(in, out, ec)) {
    return UsageError("anonymize", "OUT は IN と別の場所にしてください（原本は残します）", kUsage);
  }
  std::vector<std::pair<fs::path, fs::path>> files;  // (source, destination)
  if (fs::is_directory(in, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(in, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".md") {
        files.emplace_back(e.path(), out / fs::relative(e.path(), in));
      }
    }
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(in, out);
  }
  if (files.empty())
    return UsageError("anonymize", "Markdown ファイルがありません: " + in.string(), kUsage);
  core::PiiOptions pii;
  for (const auto& [name, id] : *map) pii.deny_list.push_back(name);
  size_t replaced = 0, remaining = 0;
  for (const auto& [src, dst] : files) {
    std::ifstream is(src, std::ios::binary);
    if (!is)
      return Fail(MakeError(ErrorCode::kIo, "anonymize.read", "読めません: " + src.string()));
    const std::string text((std::istreambuf_iterator<char>(is)), {});
    if (core::FindInvalidUtf8(text) != std::string_view::npos) {
      return Fail(MakeError(ErrorCode::kInvalidInput, "file.invalid-utf8",
                            "UTF-8 として不正です: " + src.string()));
    }
    const core::AnonymizeResult r = core::AnonymizeText(text, *map);
    replaced += r.replaced;
    if (!dst.parent_path().empty()) fs::create_directories(dst.parent_path(), ec);
    std::ofstream os(dst, std::ios::binary | std::ios::trunc);
    os << r.text;
    if (!os)
      return Fail(MakeError(ErrorCode::kIo, "anonymize.write", "書けません: " + dst.string()));
    // What is still there for a person to look at: other personal data the map does not cover.
    for (const auto& f : core::FindPii(r.text, pii)) {
      ++remaining;
      std::fprintf(stderr, "%s:%d:%d: %s: 残っています（%s）\n", dst.c_str(), f.line, f.column,
                   f.rule.c_str(), f.masked.c_str());
    }
  }
  std::printf("匿名化: %zu ファイル、%zu 箇所を置換、要確認 %zu 箇所 → %s\n", files.size(),
              replaced, remaining, out.c_str());
  return remaining > 0 ? kExitRejected : kExitOk;
}

namespace {

// The 廃棄 certificate and its audit entry for a finished purge (or a resumed one), then the
// journal is closed: a purge is complete when its certificate is in the trail.
int Certify(indexer::PurgeReport report, const std::string& db, const std::string& audit_path,
            const std::optional<std::string>& audit_key) {
  // Running servers let go of the old generation (files and cached texts) within a second of
  // seeing the new one; the certificate waits for that and names any process that has not.
  const auto holders = indexer::WaitForOldGenerationHolders(db, std::chrono::seconds(15));
  // Until then a server could still put a purged id into a basket: the baskets are rewritten
  // and checked once more, and a basket that still names one stops the certificate.
  auto late = indexer::RecheckPurgedBaskets(db, report.ids);
  if (!late) return Fail(late.error());
  report.basket_items_removed += *late;
  std::string held;
  for (const auto& h : holders) {
    held += (held.empty() ? "" : ", ") + std::string("pid ") + std::to_string(h.pid) + " (" +
            h.command + ")";
  }
  const auto now = std::chrono::system_clock::now();
  std::string ids;
  for (const auto& id : report.ids) ids += (ids.empty() ? "" : ",") + id;
  access::AuditEvent event{"purge",
                           "(cli)",
                           "local",
                           {{"ids", ids},
                            {"generation", std::to_string(report.generation)},
                            {"sha256", report.checksum},
                            {"probes", std::to_string(report.probes)},
                            {"found_after", std::to_string(report.probes_found_after)},
                            {"basket_items", std::to_string(report.basket_items_removed)},
                            {"basket_tmp", std::to_string(report.basket_temp_files_removed)},
                            {"held_by", held},
                            {"resumed", report.resumed ? "yes" : "no"}}};
  auto key = AuditKeyFromFlag(audit_key, audit_path);
  if (!key) return Fail(key.error());
  if (Status s = access::AuditLog(audit_path, *key).Append(event, now); !s) return Fail(s.error());
  if (Status s = indexer::CompletePurge(db); !s) return Fail(s.error());
  for (const auto& src : report.sources) {
    if (std::filesystem::exists(src)) {
      std::fprintf(stderr,
                   "注意: 元ファイル %s は残っています（次の yuimaru index で戻ります。"
                   "返却・削除してください）\n",
                   src.c_str());
    }
  }
  for (const auto& h : holders) {
    std::fprintf(stderr,
                 "注意: pid %d (%s) は消去前の世代をまだ開いています（%s）。そのプロセスの"
                 "メモリには消去した文書が残り得ます。再起動してください\n",
                 h.pid, h.command.c_str(), h.file.c_str());
  }
  std::printf(
      "廃棄証明%s: ids=%s time=%s db=%s generation=%llu documents=%llu sha256=%s "
      "verify=固有文字列 %llu 個 / 消去前 %llu 件検出 / 消去後 %llu 件（%llu ファイル %llu "
      "バイト走査） パックから削除 %llu 件 保持プロセス: %s\n",
      report.resumed ? "（中断からの完了）" : "", ids.c_str(), access::IsoTime(now).c_str(),
      db.c_str(), static_cast<unsigned long long>(report.generation),
      static_cast<unsigned long long>(report.documents), report.checksum.c_str(),
      static_cast<unsigned long long>(report.probes),
      static_cast<unsigned long long>(report.probes_found_before),
      static_cast<unsigned long long>(report.probes_found_after),
      static_cast<unsigned long long>(report.files_scanned),
      static_cast<unsigned long long>(report.bytes_scanned),
      static_cast<unsigned long long>(report.basket_items_removed),
      held.empty() ? "なし" : held.c_str());
  return holders.empty() ? kExitOk : kExitRejected;
}

}  // namespace

int FinishPendingPurge(const std::string& db, const std::optional<std::string>& audit,
                       const std::optional<std::string>& audit_key) {
  if (!indexer::HasPendingPurge(db)) return kExitOk;
  std::fprintf(stderr, "中断された廃棄を完了します（%s）\n", db.c_str());
  auto report = indexer::ResumePurge(db);
  if (!report) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    // Stopped before publishing: its journal is gone and nothing was changed; go on.
    if (report.error().rule == "purge.not-switched") return kExitOk;
    return report.error().code == ErrorCode::kBusy ? kExitBusy : kExitFailure;
  }
  return Certify(*report, db,
                 audit.value_or((std::filesystem::path(db) / core::kAuditFile).string()),
                 audit_key);
}

int RunPurgeCommand(const Args& args) {
  constexpr char kPurgeUsage[] =
      "yuimaru purge --db DB [--audit FILE (既定 DB/audit.jsonl)] [--audit-key 鍵ファイル] "
      "(ID... | --resume)";
  Flags flags(args, {{"db"}, {"audit"}, {"audit-key"}, {"resume", false}, {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kPurgeUsage);
    return kExitOk;
  }
  if (!flags.error().empty()) return UsageError("purge", flags.error(), kPurgeUsage);
  const auto db = flags.Get("db");
  if (!db) return UsageError("purge", "--db がありません", kPurgeUsage);
  if (flags.positional().empty() && !flags.Has("resume"))
    return UsageError("purge", "消去する ID がありません", kPurgeUsage);
  // A purge killed after publishing is finished first, certificate and audit entry included.
  const bool pending = indexer::HasPendingPurge(*db);
  if (const int status = FinishPendingPurge(*db, flags.Get("audit"), flags.Get("audit-key"));
      status != kExitOk || flags.positional().empty()) {
    if (!pending && flags.Has("resume")) std::printf("中断された廃棄はありません\n");
    return status;
  }
  indexer::PurgeOptions options;
  options.db = *db;
  options.ids = flags.positional();
  auto report = indexer::RunPurge(options);
  if (!report && report.error().code == ErrorCode::kBusy) {
    std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
    return kExitBusy;
  }
  if (!report) {
    // A resumed purge may already have erased the ids asked for again.
    if (pending && report.error().rule == "purge.unknown-id") {
      std::fprintf(stderr, "%s\n", report.error().ToString().c_str());
      return kExitOk;
    }
    return Fail(report.error());
  }
  const std::string audit_path =
      flags.Get("audit").value_or((std::filesystem::path(*db) / core::kAuditFile).string());
  return Certify(*report, *db, audit_path, flags.Get("audit-key"));
}

}  // namespace yuimaru::cli
