#include "tests/support/tcpsrv.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/command.h"

namespace yuimaru::testing {
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

TcpServer::TcpServer(const std::vector<std::string>& databases, int port) {
  std::string said;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = port > 0 ? port : FreePort();
    std::vector<std::string> args = {"xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                                     std::to_string(port_)};
    args.insert(args.end(), databases.begin(), databases.end());
    child_ = StartChild(args, "Listening...");
    if (child_.running()) return;
    // It ended (the port was taken meanwhile, or a database would not open): try again.
    said = child_.Said();
  }
  INFO(said);
  FAIL("xapian-tcpsrv did not start");
}

}  // namespace yuimaru::testing
