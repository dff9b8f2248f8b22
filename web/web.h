// yuimaru's web front end: server-rendered search pages for consultants and trainers, the
// document page, the dashboard and a JSON API, on cpp-httplib. Start here: Server::Create, then
// Bind and Listen (or Run). Depends on search/ only.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "search/core/result.h"
#include "search/search.h"

namespace yuimaru::web {

struct ServerOptions {
  std::filesystem::path db;
  std::string bind = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0: any free port (see Bind)
  int threads = 0;                 // 0: one per core, at least 4
  // The clearance every request reads at. TODO(#5): from the signed-in user's roster entry.
  search::Clearance clearance = search::Clearance::kConfidential;
};

class Server {
 public:
  // Checks that the index can be opened. Fails with kNotFound if there is none.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);
  ~Server();

  // Binds the listening socket; returns the port (the chosen one when options.port is 0).
  // Fails with kIo if the address is taken.
  Result<int> Bind();
  // Serves until Stop() is called (from another thread or a signal handler's thread).
  Status Listen();
  void Stop();
  bool IsRunning() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace yuimaru::web
