#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/flags.h"
#include "core/index_layout.h"
#include "web/web.h"

namespace yuimaru::cli {
int RunServeCommand(const Args& args) {
  constexpr char kUsage[] =
      "yuimaru serve --db DB [--bind 127.0.0.1] [--port 8080] [--threads N] [--clearance "
      "公開|内部|機密] [--users FILE (既定 DB/users.json)] [--audit FILE (既定 DB/audit.jsonl) | "
      "--no-audit] [--audit-key 鍵ファイル] [--allow-anonymous] [--tls-cert PEM --tls-key PEM] "
      "[--text-cache-mb 256] [--shard 索引フォルダ | --shard [名前=]tcp://ホスト:ポート]... "
      "[--shard-link-protected] [--shard-timeout-ms 2000]";
  Flags flags(args, WithShardFlags({{"db"},
                                    {"bind"},
                                    {"port"},
                                    {"threads"},
                                    {"clearance"},
                                    {"users"},
                                    {"audit"},
                                    {"audit-key"},
                                    {"no-audit", false},
                                    {"allow-anonymous", false},
                                    {"tls-cert"},
                                    {"tls-key"},
                                    {"text-cache-mb"},
                                    {"help", false}}));
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kUsage);
    return kExitOk;
  }
  web::ServerOptions options;
  options.port = static_cast<int>(flags.GetInt("port", 8080, 0, 65535));
  options.threads = static_cast<int>(flags.GetInt("threads", 0, 1, 256));
  search::SetTextCacheBytes(static_cast<size_t>(flags.GetInt("text-cache-mb", 256, 0, 65536))
                            << 20);
  if (!flags.error().empty()) return UsageError("serve", flags.error(), kUsage);
  if (auto error = ReadShardFlags(flags, &options.shards); !error.empty()) {
    return UsageError("serve", error, kUsage);
  }
  const auto db = flags.Get("db");
  if (!db) return UsageError("serve", "--db がありません", kUsage);
  options.db = *db;
  options.bind = flags.Get("bind").value_or("127.0.0.1");
  if (const auto c = flags.Get("clearance")) {
    const auto parsed = core::ParseClearance(*c);
    if (!parsed)
      return UsageError("serve", "--clearance は 公開 / 内部 / 機密 のいずれかです", kUsage);
    options.clearance = *parsed;
  }
  options.users = UsersPath(flags.Get("users"), db);
  if (!flags.Has("no-audit")) {
    options.audit =
        flags.Get("audit").value_or((std::filesystem::path(*db) / core::kAuditFile).string());
  }
  if (!options.audit.empty()) {
    auto key = AuditKeyFromFlag(flags.Get("audit-key"), options.audit);
    if (!key) {
      std::fprintf(stderr, "%s\n", key.error().ToString().c_str());
      return kExitUsage;
    }
    options.audit_key = std::move(*key);
  }
  options.allow_anonymous = flags.Has("allow-anonymous");
  options.tls_cert = flags.Get("tls-cert").value_or("");
  options.tls_key = flags.Get("tls-key").value_or("");
  // Every open connection is a descriptor, and the connection cap is half the limit (web.h):
  // the default soft limit of 1024 would let a few hundred idle sockets fill the server.
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  // SIGINT/SIGTERM are taken by a thread of their own (sigwait), not by a handler: stopping the
  // server is not async-signal-safe. Blocked here, before Create() starts the server's threads
  // (which inherit the mask): a thread that left them unblocked got the signal and the process
  // died of it (exit 143) instead of stopping.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = web::Server::Create(options);
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().ToString().c_str());
    return kExitFailure;
  }
  if (Status health = (*server)->Health(); !health) {
    std::fprintf(
        stderr,
        "yuimaru serve: 警告: %s\n  監査ログに書けない間、ログイン・検索・閲覧は 503 で断り"
        "ます（/healthz も 503）。yuimaru audit repair --audit %s で修復してください。\n",
        health.error().ToString().c_str(), options.audit.c_str());
  }
  auto port = (*server)->Bind();
  if (!port) {
    std::fprintf(stderr, "%s\n", port.error().ToString().c_str());
    return kExitFailure;
  }
  web::Server* raw = server->get();
  std::atomic<bool> listen_returned{false};
  std::thread stopper([signals, raw, &listen_returned] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGUSR2) return;
    // cpp-httplib's stop() only stops a server that is already listening: a signal that comes
    // between the line below and Listen() would be lost and the process would never exit.
    // Stop again until Listen has returned.
    while (!listen_returned.load()) {
      raw->Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const std::string host =
      options.bind.find(':') != std::string::npos ? "[" + options.bind + "]" : options.bind;
  std::printf("ゆいまーる: %s://%s:%d/ で待ち受けています（閲覧区分の上限 %s%s、終了は Ctrl+C）\n",
              options.tls_cert.empty() ? "http" : "https", host.c_str(), *port,
              std::string(core::ClearanceLabel(options.clearance)).c_str(),
              options.allow_anonymous ? "、匿名は公開のみ" : "");
  std::fflush(stdout);
  auto st = (*server)->Listen();
  listen_returned = true;
  if (stopper.joinable()) {
    // Listen ended by itself (not by a signal): wake the stopper with a signal it ignores.
    pthread_kill(stopper.native_handle(), SIGUSR2);
  }
  stopper.join();
  if (!st) {
    std::fprintf(stderr, "%s\n", st.error().ToString().c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace yuimaru::cli
