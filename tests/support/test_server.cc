#include "tests/support/test_server.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "tests/support/command.h"

namespace yuimaru::testing {

TestServer::TestServer(const std::vector<std::string>& paths, search::Clearance clearance) {
  std::vector<std::string> args = {"index", "--db", db()};
  args.insert(args.end(), paths.begin(), paths.end());
  const CommandResult r = Yuimaru(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  web::ServerOptions options;
  options.db = db();
  options.port = 0;
  options.threads = 4;
  options.clearance = clearance;
  auto server = web::Server::Create(options);
  REQUIRE(server);
  server_ = std::move(*server);
  auto port = server_->Bind();
  REQUIRE(port);
  port_ = *port;
  thread_ = std::thread([this] { (void)server_->Listen(); });
  while (!server_->IsRunning()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TestServer::~TestServer() {
  server_->Stop();
  thread_.join();
}

httplib::Client TestServer::Client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(30, 0);
  return c;
}

std::string TestServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace yuimaru::testing
