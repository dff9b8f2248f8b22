#include "toolkit/tool_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace yuimaru::toolkit {
namespace {

constexpr size_t kMaxCapture = 4 << 20;

bool IsExecutable(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::filesystem::path> FindTool(std::string_view name, std::string_view configured) {
  const std::string wanted(configured.empty() ? name : configured);
  if (wanted.find('/') != std::string::npos) {
    if (IsExecutable(wanted)) return std::filesystem::path(wanted);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (dir.empty()) continue;  // an empty entry would mean the working directory: not trusted
    const std::filesystem::path candidate = std::filesystem::path(dir) / wanted;
    if (IsExecutable(candidate)) return candidate;
  }
  return std::nullopt;
}

std::string ToolRun::ErrorLine() const {
  if (!started) return error;
  std::string line;
  size_t end = err.size();
  while (end > 0 && line.empty()) {
    const size_t start = err.rfind('\n', end - 1);
    const size_t from = start == std::string::npos ? 0 : start + 1;
    line = err.substr(from, end - from);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    end = start == std::string::npos ? 0 : start;
  }
  std::string what = timed_out         ? "時間切れで停止"
                     : exit_code == -1 ? "シグナルで停止"
                                       : "終了コード " + std::to_string(exit_code);
  if (line.size() > 300) line = line.substr(0, 300);
  return line.empty() ? what : what + ": " + line;
}

ToolRun RunTool(const std::vector<std::string>& argv, const std::filesystem::path& home,
                std::chrono::seconds timeout) {
  ToolRun run;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    run.error = std::string("pipe: ") + std::strerror(errno);
    return run;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    run.error = std::string("pipe: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that a time-out kills the helpers it started (chromium's).
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  const char* path = std::getenv("PATH");
  std::vector<std::string> env = {
      "HOME=" + home.string(),
      "XDG_CONFIG_HOME=" + (home / ".config").string(),
      "XDG_CACHE_HOME=" + (home / ".cache").string(),
      "XDG_DATA_HOME=" + (home / ".local/share").string(),
      "TMPDIR=" + home.string(),
      "LANG=C.UTF-8",
      std::string("PATH=") + (path ? path : "/usr/local/bin:/usr/bin:/bin")};
  std::vector<char*> c_argv, c_env;
  for (const std::string& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  for (const std::string& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    run.error = argv[0] + ": " + std::strerror(rc);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return run;
  }
  run.started = true;

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    const int ready = poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        if (sinks[i]->size() < kMaxCapture) sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // Helpers of the tool that outlive it (chromium's zygote) go with its process group.
  kill(-pid, SIGKILL);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

ToolRun PrintToPdf(const std::filesystem::path& chromium, const std::filesystem::path& home,
                   const std::filesystem::path& html, const std::filesystem::path& pdf,
                   std::chrono::seconds timeout) {
  std::error_code ec;
  std::filesystem::create_directories(home / "profile", ec);
  // Offline: no background services, no component or safe-browsing updates, and every host name
  // resolves to nothing (the pages printed have a CSP of default-src 'none' and no outside URL).
  return RunTool({chromium.string(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-default-apps",
                  "--disable-extensions",
                  "--disable-sync",
                  "--disable-breakpad",
                  "--disable-crash-reporter",
                  "--disable-domain-reliability",
                  "--disable-client-side-phishing-detection",
                  "--no-first-run",
                  "--no-default-browser-check",
                  "--metrics-recording-only",
                  "--mute-audio",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
                  "--proxy-server=127.0.0.1:9",
                  "--user-data-dir=" + (home / "profile").string(),
                  "--no-pdf-header-footer",
                  "--print-to-pdf=" + pdf.string(),
                  "file://" + html.string()},
                 home, timeout);
}

}  // namespace yuimaru::toolkit
