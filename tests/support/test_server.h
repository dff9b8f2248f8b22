// A real yuimaru web server on 127.0.0.1 and an ephemeral port, over a real index built by the
// real binary in a temp dir. cpp-httplib 0.11.4 has no wait_until_ready(): bind here, listen in
// a worker, poll is_running.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"
#include "web/web.h"

namespace yuimaru::testing {

// The outcome of a login through the real form: the session cookie ("yuimaru_session=…") or
// empty, and the response of POST /login.
struct LoginResult {
  std::string cookie;
  int status = 0;
  std::string location;
  std::string set_cookie;  // the whole Set-Cookie header
};

class TestServer {
 public:
  // Indexes `paths` into a fresh index, writes a roster with one user "tester" at `clearance`,
  // serves it with an audit trail, and signs "tester" in: Client() sends that session's cookie.
  // `tweak` may change the options before the server starts.
  explicit TestServer(const std::vector<std::string>& paths,
                      search::Clearance clearance = search::Clearance::kConfidential,
                      const std::function<void(web::ServerOptions&)>& tweak = {});
  ~TestServer();

  int port() const { return port_; }
  std::string db() const { return (dir_ / "db").string(); }
  std::filesystem::path users() const { return dir_ / "users.json"; }
  std::filesystem::path audit() const { return dir_ / "audit.jsonl"; }
  static constexpr char kPassword[] = "tester-password-2026";
  // A client with the signed-in session's cookie.
  httplib::Client Client() const;
  // A client with no cookie at all.
  httplib::Client AnonymousClient() const;
  const std::string& cookie() const { return cookie_; }
  // Signs in through GET /login (form token cookie) and POST /login.
  LoginResult Login(const std::string& id, const std::string& password,
                    const std::string& next = "/") const;
  std::string Url(const std::string& path) const;

 private:
  TempDir dir_;
  std::unique_ptr<web::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::string cookie_;
};

}  // namespace yuimaru::testing
