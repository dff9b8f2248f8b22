// `yuimaru serve-shard`: a region's index at one clearance, served to a national view by
// xapian-tcpsrv (Debian's xapian-tools), following the index's generations (docs/regions.md).
//
// xapian-tcpsrv serves exactly the databases of ShardsForView(clearance) of the current
// generation: a client can read nothing else, whatever it asks. When CURRENT moves (index,
// purge), the old server stops listening, a new one serves the new generation on the same port,
// and the connections the old one still serves are closed after --drain-ms: a search in flight
// finishes, and a client's next search reconnects (search::SearchView::Run) to the new one. Only
// then has no process of the shard the old files open, which is what a purge waits for
// (indexer::WaitForOldGenerationHolders).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/flags.h"
#include "core/index_layout.h"
#include "search/search.h"

namespace yuimaru::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kUsage[] =
    "yuimaru serve-shard --db DB --clearance 公開|内部|機密 --port P [--bind 127.0.0.1] "
    "[--link-protected] [--drain-ms 5000]\n"
    "  DB の現在の世代のうち、閲覧区分 --clearance で読める範囲だけを xapian-tcpsrv で提供する\n"
    "  （全国ビューの yuimaru search/serve --shard tcp://ホスト:ポート から使う）。\n"
    "  --bind          待ち受けるアドレス（既定 127.0.0.1）。ループバック以外は経路を保護した\n"
    "                  うえで --link-protected を付けたときだけ（docs/regions.md）\n"
    "  --drain-ms      世代が切り替わったとき、古い世代の接続を閉じるまでの猶予（既定 5000、\n"
    "                  最大 10000: purge は古い世代を開いているプロセスを 15 秒待つ）";

// A xapian-tcpsrv in a process group of its own (with the processes it forks per connection).
struct Served {
  pid_t pid = -1;
  fs::path generation;
  Clock::time_point started;
};

Served Start(const fs::path& generation, search::Clearance c, const std::string& bind, int port) {
  std::vector<std::string> args = {"xapian-tcpsrv", "--interface", bind, "--port",
                                   std::to_string(port)};
  for (const auto& name : core::ShardsForView(c)) args.push_back((generation / name).string());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    // A serve-shard that is killed takes its listener with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execvp(argv[0], argv.data());
    std::fprintf(stderr,
                 "yuimaru serve-shard: xapian-tcpsrv を起動できません（xapian-tools を"
                 "インストールしてください）\n");
    _exit(127);
  }
  if (pid > 0) setpgid(pid, pid);
  return {pid, generation, Clock::now()};
}

// Sends `sig` to the group of `s` (its connections' processes too). Never to pid -1 (every
// process the user may signal) or 0.
void SignalGroup(const Served& s, int sig) {
  if (s.pid > 0) kill(-s.pid, sig);
}

// Waits until something accepts connections on bind:port, or `s` has ended (false).
bool WaitListening(const Served& s, const std::string& bind, int port) {
  for (;;) {
    siginfo_t ended{};  // looked at, not reaped: the main loop reaps and restarts it
    if (s.pid <= 0 ||
        waitid(P_PID, static_cast<id_t>(s.pid), &ended, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        ended.si_pid != 0) {
      return false;
    }
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, bind == "0.0.0.0" ? "127.0.0.1" : bind.c_str(), &addr.sin_addr);
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (up) return true;
    usleep(20000);
  }
}

}  // namespace

int RunServeShardCommand(const Args& args) {
  Flags flags(args, {{"db"},
                     {"clearance"},
                     {"port"},
                     {"bind"},
                     {"link-protected", false},
                     {"drain-ms"},
                     {"help", false}});
  if (flags.Has("help")) {
    std::printf("使い方: %s\n", kUsage);
    return kExitOk;
  }
  const int port = static_cast<int>(flags.GetInt("port", 0, 1, 65535));
  // At most 10 s: a purge waits 15 s for the old generation's holders.
  const auto drain = std::chrono::milliseconds(flags.GetInt("drain-ms", 5000, 0, 10000));
  if (!flags.error().empty()) return UsageError("serve-shard", flags.error(), kUsage);
  const auto db = flags.Get("db");
  if (!db) return UsageError("serve-shard", "--db がありません", kUsage);
  if (!flags.Has("port")) return UsageError("serve-shard", "--port がありません", kUsage);
  // No default: which text leaves the region is the region's choice, made explicitly.
  const auto c = flags.Get("clearance");
  if (!c)
    return UsageError("serve-shard", "--clearance がありません（公開 / 内部 / 機密）", kUsage);
  const auto clearance = core::ParseClearance(*c);
  if (!clearance) {
    return UsageError("serve-shard", "--clearance は 公開 / 内部 / 機密 のいずれかです", kUsage);
  }
  const std::string bind = flags.Get("bind").value_or("127.0.0.1");
  search::ShardSet probe;
  if (auto s = search::AddShard(
          "tcp://" + (bind.find(':') != std::string::npos ? "[" + bind + "]" : bind) + ":" +
              std::to_string(port),
          flags.Has("link-protected"), &probe);
      !s) {
    return UsageError("serve-shard",
                      s.error().rule == "shard.link"
                          ? "--bind " + bind +
                                ": Xapian の遠隔プロトコルには認証も暗号化もありません。"
                                "ループバック以外で待ち受けるのは、経路を保護したうえで "
                                "--link-protected を付けたときだけです（docs/regions.md）"
                          : s.error().message,
                      kUsage);
  }
  auto current = core::ResolveCurrentGeneration(*db);
  if (!current) {
    std::fprintf(stderr, "yuimaru serve-shard: %s\n", current.error().ToString().c_str());
    return kExitFailure;
  }

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, nullptr);

  Served served = Start(*current, *clearance, bind, port);
  if (served.pid < 0) {
    std::fprintf(stderr, "yuimaru serve-shard: fork: %s\n", std::strerror(errno));
    return kExitFailure;
  }
  std::fprintf(stderr, "yuimaru serve-shard: %s の閲覧区分 %s の範囲を %s:%d で提供します\n",
               served.generation.filename().c_str(),
               std::string(core::ClearanceLabel(*clearance)).c_str(), bind.c_str(), port);
  // Servers of earlier generations: no longer listening, their connections closed at `until`.
  struct Draining {
    Served served;
    Clock::time_point until;
  };
  std::vector<Draining> draining;
  int quick_ends = 0;  // the listener ended within seconds of its start, this many times running
  for (;;) {
    timespec tick{0, 250'000'000};
    const int sig = sigtimedwait(&stop, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) break;
    // Reap what ended; a listener that died is started again (a port still taken is retried).
    for (int status = 0;;) {
      const pid_t done = waitpid(-1, &status, WNOHANG);
      if (done <= 0) break;
      if (done == served.pid) {
        SignalGroup(served, SIGKILL);
        quick_ends = Clock::now() - served.started < std::chrono::seconds(2) ? quick_ends + 1 : 1;
        if (quick_ends > 20) {
          std::fprintf(stderr, "yuimaru serve-shard: xapian-tcpsrv が起動直後に終了します\n");
          for (auto& d : draining) SignalGroup(d.served, SIGKILL);
          return kExitFailure;
        }
        served = Start(served.generation, *clearance, bind, port);  // pid -1: next tick
      }
    }
    if (served.pid < 0) served = Start(served.generation, *clearance, bind, port);
    const auto now = Clock::now();
    draining.erase(std::remove_if(draining.begin(), draining.end(),
                                  [&](const Draining& d) {
                                    if (d.until > now) return false;
                                    SignalGroup(d.served, SIGKILL);
                                    return true;
                                  }),
                   draining.end());
    auto now_current = core::ResolveCurrentGeneration(*db);
    if (!now_current || *now_current == served.generation) continue;
    // A new generation: the old listener goes (its connections keep serving until the drain
    // ends), a new one takes the port. The drain counts from when the new one accepts
    // connections, so a client whose old connection is closed reconnects to it.
    if (served.pid > 0) {
      kill(served.pid, SIGKILL);
      waitpid(served.pid, nullptr, 0);
    }
    const Served old = served;
    served = Start(*now_current, *clearance, bind, port);
    WaitListening(served, bind, port);
    draining.push_back({old, Clock::now() + drain});
    std::fprintf(stderr, "yuimaru serve-shard: 世代 %s に切り替えました\n",
                 served.generation.filename().c_str());
  }
  SignalGroup(served, SIGKILL);
  for (auto& d : draining) SignalGroup(d.served, SIGKILL);
  while (waitpid(-1, nullptr, 0) > 0) {
  }
  return kExitOk;
}

}  // namespace yuimaru::cli
