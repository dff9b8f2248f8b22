// `yuimaru serve` as a process: started on an ephemeral port, stopped by a signal.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"

namespace yuimaru::testing {
namespace {

// Starts `yuimaru serve` on the index `db` and returns once it says where it listens.
Child StartServer(const std::filesystem::path& db) {
  Child server = StartChild({YUIMARU_BINARY, "serve", "--db", db.string(), "--port", "0",
                             "--allow-anonymous", "--no-audit"},
                            "で待ち受けています");
  INFO(server.Said());
  REQUIRE(server.running());
  return server;
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
  Child server = StartServer(t / "db");
  server.Signal(sig);
  const int status = server.Wait();
  INFO("signal " << sig << ", wait status " << status);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace yuimaru::testing
