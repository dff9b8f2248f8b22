#include "tests/support/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>

#include "tests/support/temp_dir.h"

namespace yuimaru::testing {

nlohmann::json CommandResult::Json() const {
  auto j = nlohmann::json::parse(out, nullptr, false);
  INFO("stdout: " << out << "\nstderr: " << err);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::vector<nlohmann::json> CommandResult::JsonLines() const {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    INFO("line: " << line);
    REQUIRE_FALSE(j.is_discarded());
    lines.push_back(std::move(j));
  }
  return lines;
}

CommandResult RunCommand(const std::vector<std::string>& args, const std::string& input) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  REQUIRE(pipe(in_pipe) == 0);
  REQUIRE(pipe(out_pipe) == 0);
  REQUIRE(pipe(err_pipe) == 0);
  // Built before fork: between fork and exec the child of a threaded test (a server, clients)
  // may call only async-signal-safe functions: an allocation there can wait forever on an
  // allocator lock that another thread held at the fork (the likely cause of the load test that
  // hung until ctest's time-out under ASan in CI, with four clients and a server allocating).
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (!input.empty()) {
    const ssize_t written = write(in_pipe[1], input.data(), input.size());
    (void)written;
  }
  close(in_pipe[1]);
  CommandResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::string> CorpusQueries() {
  std::vector<std::string> out;
  for (const char* file : {"corpus/queries.tsv", "corpus/queries-users.tsv"}) {
    std::ifstream in(SourceDir() / file);
    for (std::string line; std::getline(in, line);) {
      const auto tab = line.find('\t');
      if (tab != std::string::npos) out.push_back(line.substr(tab + 1));
    }
  }
  for (const char* q :
       {"承継 -廃業", "\"事業承継\" 離島", "株", "サーバー", "ミラー", "後継者 -製造業 資金繰り",
        "泡盛 クラウドファンディング 海外 ぜんぜんない語"}) {
    out.push_back(q);
  }
  return out;
}

Child::Child(Child&& other) noexcept : pid_(other.pid_), log_(std::move(other.log_)) {
  other.pid_ = -1;
  other.log_.clear();
}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    Kill();
    if (!log_.empty()) unlink(log_.c_str());
    pid_ = std::exchange(other.pid_, -1);
    log_ = std::exchange(other.log_, {});
  }
  return *this;
}

Child::~Child() {
  Kill();
  if (!log_.empty()) unlink(log_.c_str());
}

std::string Child::Said() const {
  if (log_.empty()) return {};
  std::ifstream in(log_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Child::Signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

int Child::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  kill(-pid_, SIGKILL);  // what it forked and left behind
  pid_ = -1;
  return status;
}

void Child::Kill() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);
  Wait();
}

Child StartChild(const std::vector<std::string>& args, std::string_view ready) {
  Child child;
  std::string log = (std::filesystem::temp_directory_path() / "yuimaru-child-XXXXXX").string();
  const int fd = mkstemp(log.data());
  REQUIRE(fd >= 0);
  child.log_ = log;
  // Built before fork: no allocation in the child (RunCommand).
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);
    // A test killed by ctest's time-out takes its background programs with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  close(fd);
  setpgid(pid, pid);  // as the child does: whichever runs first, the group exists before a kill
  child.pid_ = pid;
  for (;;) {
    if (child.Said().find(ready) != std::string::npos) break;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      kill(-pid, SIGKILL);
      child.pid_ = -1;
      break;
    }
    usleep(10000);
  }
  return child;
}

namespace {

namespace fs = std::filesystem;

// FNV-1a, 64 bits: a cache key, not a checksum anybody relies on for integrity.
void Mix(uint64_t& h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  h = (h ^ 0xff) * 1099511628211ULL;  // a separator, so "ab"+"c" and "a"+"bc" differ
}

// What `yuimaru index` of the bundled corpus depends on: the binary (path, size, mtime) and
// every file under corpus/ (path and bytes). Any edit to either gives a new key.
std::string BundledIndexKey() {
  uint64_t h = 14695981039346656037ULL;
  const fs::path binary = YUIMARU_BINARY;
  Mix(h, binary.string());
  Mix(h, std::to_string(fs::file_size(binary)));
  Mix(h, std::to_string(fs::last_write_time(binary).time_since_epoch().count()));
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(SourceDir() / "corpus")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    Mix(h, f.string());
    Mix(h, ReadFile(f));
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

// Whether the environment holds a YUIMARU_ variable that a run could read (a test's crash hook,
// a deny list): such a run is never served from the cache.
bool EnvironmentChangesRuns() {
  for (char** e = environ; *e; ++e) {
    const std::string_view var = *e;
    if (var.rfind("YUIMARU_", 0) == 0 && var.rfind("YUIMARU_TEST_SAMPLE=", 0) != 0) return true;
  }
  return false;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
    text.replace(p, from.size(), to);
  }
}

// `yuimaru index --db DB <source>/corpus` into a DB that does not exist yet: well over a hundred
// test cases start from exactly this index, and under the sanitizers each build of it takes
// seconds. The first such run for a key (see BundledIndexKey) is a real run, made under a lock
// in the build folder; its index, exit code and output are kept there, and every later request
// gets a copy of that index and the same result (paths in the output rewritten). A failed run is
// not kept. Returns nothing when the request is not this one.
std::optional<CommandResult> IndexBundledCorpus(const std::vector<std::string>& args) {
  if (args.size() != 4 || args[0] != "index" || args[1] != "--db" ||
      fs::path(args[3]) != SourceDir() / "corpus" || EnvironmentChangesRuns())
    return std::nullopt;
  const fs::path db = args[2];
  std::error_code ec;
  if (db.empty() || fs::exists(db, ec) || !fs::is_directory(db.parent_path(), ec))
    return std::nullopt;
  static std::mutex mu;  // flock does not exclude threads of one process from each other
  std::lock_guard<std::mutex> thread_lock(mu);
  const fs::path root = fs::path(YUIMARU_BINARY).parent_path() / "test-cache";
  fs::create_directories(root);
  const int lock = ::open((root / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(lock >= 0);
  while (::flock(lock, LOCK_EX) != 0) REQUIRE(errno == EINTR);
  const fs::path entry = root / ("corpus-" + BundledIndexKey());
  const fs::path cached_db = entry / "db";
  CommandResult r;
  if (!fs::exists(entry / "result")) {
    // Entries of earlier binaries or corpus bytes are of no further use.
    for (const auto& e : fs::directory_iterator(root)) {
      if (e.path().filename().string().rfind("corpus-", 0) == 0) fs::remove_all(e.path());
    }
    fs::create_directories(entry);
    std::vector<std::string> real = {YUIMARU_BINARY, "index", "--db", cached_db.string(), args[3]};
    r = RunCommand(real);
    if (r.exit_code != 0) {
      fs::remove_all(entry);
      ::close(lock);
      ReplaceAll(r.out, cached_db.string(), db.string());
      ReplaceAll(r.err, cached_db.string(), db.string());
      return r;
    }
    WriteFile(entry / "out", r.out);
    WriteFile(entry / "err", r.err);
    WriteFile(entry / "result", "0");  // last: an entry without it is incomplete
  } else {
    r.exit_code = 0;
    r.out = ReadFile(entry / "out");
    r.err = ReadFile(entry / "err");
  }
  fs::copy(cached_db, db, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  ::close(lock);
  ReplaceAll(r.out, cached_db.string(), db.string());
  ReplaceAll(r.err, cached_db.string(), db.string());
  return r;
}

}  // namespace

CommandResult Yuimaru(const std::vector<std::string>& args) {
  if (auto cached = IndexBundledCorpus(args)) return *cached;
  std::vector<std::string> full = {YUIMARU_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  return RunCommand(full);
}

size_t SampleStep() {
  const char* env = std::getenv("YUIMARU_TEST_SAMPLE");
  const long step = env ? std::strtol(env, nullptr, 10) : 1;
  return step > 1 ? static_cast<size_t>(step) : 1;
}

}  // namespace yuimaru::testing
