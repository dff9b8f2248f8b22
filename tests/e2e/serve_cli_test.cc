// `yuimaru serve` as a process: started on an ephemeral port, stopped by a signal.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

struct Child {
  pid_t pid;
  int stdout_fd;  // kept open until the child is gone, so a late write cannot get SIGPIPE
};

// Starts `yuimaru serve` on the index `db` and returns once it says where it listens.
// The read has no time bound of its own; ctest's time-out stops a hung test.
Child StartServer(const std::filesystem::path& db) {
  int out[2];
  REQUIRE(pipe(out) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    execl(YUIMARU_BINARY, YUIMARU_BINARY, "serve", "--db", db.c_str(), "--port", "0",
          "--allow-anonymous", "--no-audit", (char*)nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[4096];
  while (text.find("で待ち受けています") == std::string::npos) {
    const ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  INFO(text);
  REQUIRE(text.find("で待ち受けています") != std::string::npos);
  return {pid, out[0]};
}

}  // namespace

// The server's worker threads are started when it is created; a signal left unblocked in one
// of them was delivered there and killed the process (exit 143) before it could stop cleanly.
TEST_CASE("serve: SIGTERM and SIGINT stop the server cleanly with exit 0", "[disk][http][serve]") {
  const int sig = GENERATE(SIGTERM, SIGINT);
  TempDir t;
  WriteFile(t / "c/a.md",
            "---\ndoc_id: CS-1\ndoc_type: 支援事例\ntitle: 泡盛\ndate: 2024-06-01\n"
            "confidentiality: 公開\nindustry: 製造業\n---\n\n県外出荷。\n");
  const CommandResult index = Yuimaru({"index", "--db", (t / "db").string(), (t / "c").string()});
  INFO(index.err);
  REQUIRE(index.exit_code == 0);
  const Child server = StartServer(t / "db");
  REQUIRE(kill(server.pid, sig) == 0);
  int status = 0;
  REQUIRE(waitpid(server.pid, &status, 0) == server.pid);
  close(server.stdout_fd);
  INFO("signal " << sig << ", wait status " << status);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace yuimaru::testing
