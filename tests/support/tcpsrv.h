// A real xapian-tcpsrv (Debian's xapian-tools): Xapian's remote backend serving databases on
// 127.0.0.1, on a port free when it starts.
#pragma once

#include <string>
#include <vector>

#include "tests/support/command.h"

namespace yuimaru::testing {

// A port the kernel has just given out on 127.0.0.1: free now, but another process may take it
// before the caller binds it.
int FreePort();

class TcpServer {
 public:
  // Serves `databases` as one database; returns once the server says it listens. On `port`, or
  // (0) on a free one (a port that another process took in between is replaced by a new one).
  // Fails the test if it cannot start.
  explicit TcpServer(const std::vector<std::string>& databases, int port = 0);
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  int port() const { return port_; }
  // Kills the server and the processes serving its connections (SIGKILL: a shard that goes
  // down) and waits for it. Idempotent.
  void Stop() { child_.Kill(); }

 private:
  Child child_;
  int port_ = 0;
};

}  // namespace yuimaru::testing
