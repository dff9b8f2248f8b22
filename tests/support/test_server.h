// A real yuimaru web server on 127.0.0.1 and an ephemeral port, over a real index built by the
// real binary in a temp dir. cpp-httplib 0.11.4 has no wait_until_ready(): bind here, listen in
// a worker, poll is_running.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"
#include "web/web.h"

namespace yuimaru::testing {

class TestServer {
 public:
  // Indexes `paths` into a fresh index and serves it at `clearance`.
  explicit TestServer(const std::vector<std::string>& paths,
                      search::Clearance clearance = search::Clearance::kConfidential);
  ~TestServer();

  int port() const { return port_; }
  std::string db() const { return (dir_ / "db").string(); }
  httplib::Client Client() const;
  std::string Url(const std::string& path) const;

 private:
  TempDir dir_;
  std::unique_ptr<web::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace yuimaru::testing
