// A real xapian-tcpsrv (Debian's xapian-tools): Xapian's remote backend serving databases on
// 127.0.0.1, on a port free when it starts.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace yuimaru::testing {

class TcpServer {
 public:
  // Serves `databases` as one database; returns once the server says it listens (a port that
  // another process took in between is replaced by a new one). Fails the test if it cannot start.
  explicit TcpServer(const std::vector<std::string>& databases);
  ~TcpServer();  // Stop()
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  int port() const { return port_; }
  // Kills the server (SIGKILL: a shard that goes down) and waits for it. Idempotent.
  void Stop();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;  // kept open until the server is gone, so a late write cannot get SIGPIPE
  int port_ = 0;
};

}  // namespace yuimaru::testing
