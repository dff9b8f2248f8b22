// `yuimaru export` (the 横展開 folder for a CD-R) and `yuimaru verify-export` (checks one).
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "access/access.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "core/index_layout.h"
#include "toolkit/toolkit.h"

namespace yuimaru::cli {
namespace {

constexpr char kExportUsage[] =
    "yuimaru export --db DB --edition 公表用|当局用 --out DIR [--filter キー=値]... [--k N] "
    "[--max-size 700M] [--force] (--sign-key 鍵.pem --sign-cert 証明書.pem | --unsigned) "
    "[--pandoc PATH] [--chromium PATH] [--audit FILE] [--audit-key 鍵ファイル]";

constexpr char kExportHelp[] =
    "\n"
    "索引から、CD-R にそのまま書き込める横展開フォルダを作ります。\n"
    "\n"
    "  --db DB              読む索引\n"
    "  --edition 版         公表用（公開区分のみ）または 当局用（内部区分まで。機密は含まない）\n"
    "  --out DIR            "
    "作るフォルダ（同じ場所で書いてから名前を変えるので、途中の状態は残りません）\n"
    "  --filter キー=値     search --filter と同じ絞り込み（繰り返し可）\n"
    "  --k N                小さいセルの基準: 組合せが N 社未満なら粗くする（既定 3）\n"
    "  --max-size 大きさ    フォルダの上限（既定 700M。数字のみはバイト、K/M/G は 1000 倍単位）\n"
    "  --force              --out が既にあるとき置き換える\n"
    "  --sign-key 鍵.pem    署名に使う秘密鍵（PEM、パスフレーズなし）\n"
    "  --sign-cert 証明書   その鍵の証明書（PEM）。フォルダに signer-cert.pem として同梱します\n"
    "  --unsigned           署名しない（試行用。verify-export は「署名なし」で失敗します）\n"
    "  --pandoc PATH        Word 出力に使う pandoc（既定 PATH から探す。なければその出力は省略）\n"
    "  --chromium PATH      PDF 出力に使う chromium（同上）\n"
    "  --audit FILE         監査ログ（既定 DB/audit.jsonl）\n"
    "  --audit-key FILE     監査ログの鍵（鍵付きの監査ログのとき）\n"
    "\n"
    "終了コード: 0 完了 / 1 失敗（上限超過、書き込み・索引の失敗） / 2 使い方の誤り / "
    "3 書き出したが一部の出力を省略した\n";

constexpr char kVerifyUsage[] = "yuimaru verify-export DIR [--cert 証明書.pem]";

constexpr char kVerifyHelp[] =
    "\n"
    "書き出したフォルダの全ファイルを MANIFEST.sha256 と照合し、その署名を検証します。\n"
    "\n"
    "  DIR                  確認するフォルダ\n"
    "  --cert 証明書.pem    信頼する証明書（事務局から別の経路で受け取ったもの）。省略すると\n"
    "                       フォルダ内の signer-cert.pem "
    "で検証し、改ざんがないことだけを確認します\n"
    "\n"
    "終了コード: 0 すべて一致し署名も正しい / 1 問題あり（変更・欠落・余分・署名） / 2 "
    "使い方の誤り\n";

// One line on stderr: a usage error is said in a line, with where to read more.
int Usage(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "yuimaru %s: %s（yuimaru %s --help）\n", command.c_str(), message.c_str(),
               command.c_str());
  return kExitUsage;
}

// 700M, 1G, 500K or a number of bytes; K, M and G are powers of 1000, as a CD-R's "700 MB".
std::optional<uint64_t> ParseSize(const std::string& text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 'K':
    case 'k':
      unit = 1000;
      break;
    case 'M':
    case 'm':
      unit = 1000 * 1000;
      break;
    case 'G':
    case 'g':
      unit = 1000 * 1000 * 1000;
      break;
    default:
      break;
  }
  if (unit != 1) digits.pop_back();
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const uint64_t n = std::strtoull(digits.c_str(), nullptr, 10);
  if (n == 0 || n > UINT64_MAX / unit) return std::nullopt;
  return n * unit;
}

std::string OsUser() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER")) return user;
  return "uid " + std::to_string(::geteuid());
}

bool Readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

// The options of the flags, or a usage message.
std::variant<toolkit::ExportOptions, std::string> ParseExportFlags(Flags& flags) {
  toolkit::ExportOptions o;
  const auto db = flags.Get("db");
  const auto edition = flags.Get("edition");
  const auto out = flags.Get("out");
  if (!db) return std::string("--db がありません");
  if (!edition) return std::string("--edition（公表用 または 当局用）がありません");
  if (!out) return std::string("--out がありません");
  const auto parsed = toolkit::ParseEdition(*edition);
  if (!parsed) return "版「" + *edition + "」は不明です（公表用 または 当局用）";
  o.db = *db;
  o.edition = *parsed;
  o.out = *out;
  for (const std::string& f : flags.GetAll("filter")) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == f.size()) {
      return "--filter「" + f + "」は キー=値 の形ではありません";
    }
    o.filters.emplace_back(f.substr(0, eq), f.substr(eq + 1));
  }
  o.k = static_cast<size_t>(flags.GetInt("k", 3, 1, 1000));
  if (!flags.error().empty()) return flags.error();
  if (const auto size = flags.Get("max-size")) {
    const auto bytes = ParseSize(*size);
    if (!bytes)
      return "--max-size「" + *size + "」は大きさではありません（例: 700M, 1G, 650000000）";
    o.max_bytes = *bytes;
  }
  o.force = flags.Has("force");
  o.unsigned_ok = flags.Has("unsigned");
  const auto key = flags.Get("sign-key");
  const auto cert = flags.Get("sign-cert");
  if (o.unsigned_ok && (key || cert))
    return std::string("--unsigned と --sign-key/--sign-cert は同時に指定できません");
  if (!o.unsigned_ok) {
    if (!key || !cert)
      return std::string(
          "署名には --sign-key と --sign-cert が必要です（署名しないときは --unsigned）");
    if (!Readable(*key)) return "署名鍵を読めません: " + *key;
    if (!Readable(*cert)) return "署名証明書を読めません: " + *cert;
    o.sign_key = *key;
    o.sign_cert = *cert;
  }
  o.pandoc = flags.Get("pandoc").value_or("");
  o.chromium = flags.Get("chromium").value_or("");
  return o;
}

std::string FiltersText(const toolkit::ExportOptions& o) {
  std::string s;
  for (const auto& [k, v] : o.filters) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

void PrintSummary(const toolkit::ExportOptions& o, const toolkit::ExportReport& r) {
  std::printf("書き出し完了（%s）: %s\n", std::string(toolkit::EditionLabel(o.edition)).c_str(),
              o.out.c_str());
  std::printf("  文書 %zu 件 / ファイル %zu 個 / 合計 %.1f MB（%llu バイト）\n", r.documents,
              r.files, static_cast<double>(r.bytes) / 1e6,
              static_cast<unsigned long long>(r.bytes));
  std::printf("  MANIFEST.sha256 の SHA-256: %s\n", r.manifest_sha256.c_str());
  std::printf("  署名: %s\n",
              r.signed_folder ? "あり" : "なし（--unsigned。配布には使わないでください）");
  std::printf("  粗くした値（小さいセル）: %zu 件\n", r.coarsened.size());
  std::printf("  省略した出力: %zu 件\n", r.skipped.size());
  for (const auto& s : r.skipped) {
    std::printf("    %s: %s\n", s.output.c_str(), s.reason.c_str());
  }
}

}  // namespace

int RunExportCommand(const Args& args) {
  Flags flags(args, {{"db"},
                     {"edition"},
                     {"out"},
                     {"filter", true, true},
                     {"k"},
                     {"max-size"},
                     {"force", false},
                     {"sign-key"},
                     {"sign-cert"},
                     {"unsigned", false},
                     {"pandoc"},
                     {"chromium"},
                     {"audit"},
                     {"audit-key"},
                     {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n%s", kExportUsage, kExportHelp);
    return kExitOk;
  }
  if (!flags.error().empty()) return Usage("export", flags.error());
  if (!flags.positional().empty()) return Usage("export", "余分な引数: " + flags.positional()[0]);
  auto parsed = ParseExportFlags(flags);
  if (auto* message = std::get_if<std::string>(&parsed)) return Usage("export", *message);
  const toolkit::ExportOptions options = std::get<toolkit::ExportOptions>(std::move(parsed));

  // Like purge: the entry goes to the trail beside the index unless --audit names another, and
  // a trail that cannot take it refuses the export before anything is written.
  const std::filesystem::path audit_path =
      flags.Get("audit").value_or((options.db / core::kAuditFile).string());
  auto key = AuditKeyFromFlag(flags.Get("audit-key"), audit_path);
  if (!key) return Usage("export", key.error().message);
  const access::AuditLog audit(audit_path, *key);
  if (Status s = audit.Check(); !s) {
    std::fprintf(stderr, "%s\n", s.error().ToString().c_str());
    return kExitFailure;
  }

  auto report = toolkit::Export(options);
  if (!report) {
    const Error& e = report.error();
    if (e.code == ErrorCode::kInvalidInput && e.rule != "export.too-large") {
      return Usage("export", e.ToString());
    }
    std::fprintf(stderr, "yuimaru export: %s\n", e.ToString().c_str());
    return kExitFailure;
  }
  access::AuditEvent event{"export",
                           OsUser(),
                           "local",
                           {{"edition", std::string(toolkit::EditionLabel(options.edition))},
                            {"filters", FiltersText(options)},
                            {"documents", std::to_string(report->documents)},
                            {"files", std::to_string(report->files)},
                            {"bytes", std::to_string(report->bytes)},
                            {"manifest_sha256", report->manifest_sha256},
                            {"out", std::filesystem::absolute(options.out).string()}}};
  PrintSummary(options, *report);
  if (Status s = audit.Append(event, std::chrono::system_clock::now()); !s) {
    std::fprintf(stderr, "yuimaru export: 監査ログに書けません（フォルダは作成済み）: %s\n",
                 s.error().ToString().c_str());
    return kExitFailure;
  }
  return report->skipped.empty() ? kExitOk : kExitRejected;
}

int RunVerifyExportCommand(const Args& args) {
  Flags flags(args, {{"cert"}, {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n%s", kVerifyUsage, kVerifyHelp);
    return kExitOk;
  }
  if (!flags.error().empty()) return Usage("verify-export", flags.error());
  if (flags.positional().size() != 1)
    return Usage("verify-export", "確認するフォルダを 1 つ指定してください");
  const std::string dir = flags.positional()[0];
  const std::string cert = flags.Get("cert").value_or("");
  if (!cert.empty() && !Readable(cert))
    return Usage("verify-export", "証明書を読めません: " + cert);
  auto report = toolkit::VerifyExport(dir, cert);
  if (!report) {
    std::fprintf(stderr, "yuimaru verify-export: %s\n", report.error().ToString().c_str());
    return kExitFailure;
  }
  for (const auto& p : report->changed) std::printf("変更: %s\n", p.c_str());
  for (const auto& p : report->missing) std::printf("欠落: %s\n", p.c_str());
  for (const auto& p : report->extra) std::printf("余分: %s\n", p.c_str());
  if (!report->signed_folder) {
    std::printf("署名: 署名なし\n");
  } else if (!report->signature_ok) {
    std::printf("署名: 検証できません（%s）\n", report->signature_error.c_str());
  } else {
    std::printf("署名: 正しい（署名者: %s）\n", report->signer.c_str());
    if (cert.empty()) {
      std::printf(
          "注意: --cert を指定していないため、フォルダ内の signer-cert.pem で検証しました。"
          "改ざんがないことの確認にはなりますが、署名者の確認にはなりません\n");
    }
  }
  if (report->ok()) {
    std::printf("OK: すべてのファイルが MANIFEST.sha256 と一致しました\n");
    return kExitOk;
  }
  std::printf("NG: 問題があります（変更 %zu / 欠落 %zu / 余分 %zu / 署名 %s）\n",
              report->changed.size(), report->missing.size(), report->extra.size(),
              report->signature_ok ? "正しい" : "不可");
  return kExitFailure;
}

}  // namespace yuimaru::cli
