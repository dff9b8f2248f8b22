#include "tests/support/tcpsrv.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/command.h"

namespace yuimaru::testing {
namespace {

// A port the kernel has just given out on 127.0.0.1 (free now; the server may lose it to
// another process before it binds, and then a new one is taken).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TcpServer::TcpServer(const std::vector<std::string>& databases) {
  std::string said;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreePort();
    std::vector<std::string> args = {"xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                                     std::to_string(port_)};
    args.insert(args.end(), databases.begin(), databases.end());
    const Child child = StartChild(args, "Listening...");
    said = child.said;
    if (child.pid > 0) {
      pid_ = child.pid;
      out_fd_ = child.out_fd;
      return;
    }
    // It ended (the port was taken meanwhile, or a database would not open): try again.
  }
  INFO(said);
  FAIL("xapian-tcpsrv did not start");
}

TcpServer::~TcpServer() { Stop(); }

void TcpServer::Stop() {
  if (pid_ < 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  close(out_fd_);
  pid_ = -1;
  out_fd_ = -1;
}

}  // namespace yuimaru::testing
