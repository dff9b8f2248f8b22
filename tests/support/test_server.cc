#include "tests/support/test_server.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "access/access.h"
#include "tests/support/command.h"

namespace yuimaru::testing {

namespace {

std::string CookieFrom(const std::string& set_cookie, const std::string& name) {
  if (set_cookie.rfind(name + "=", 0) != 0) return "";
  return set_cookie.substr(0, set_cookie.find(';'));
}

}  // namespace

TestServer::TestServer(const std::vector<std::string>& paths, search::Clearance clearance,
                       const std::function<void(web::ServerOptions&)>& tweak) {
  std::vector<std::string> args = {"index", "--db", db()};
  args.insert(args.end(), paths.begin(), paths.end());
  const CommandResult r = Yuimaru(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  web::ServerOptions options;
  options.db = db();
  options.port = 0;
  options.threads = 4;
  auto roster = access::Roster::Load(users());
  REQUIRE(roster);
  access::User tester;
  tester.id = "tester";
  tester.name = "テスト担当";
  tester.role = access::Role::kConsultant;
  tester.clearance = clearance;
  REQUIRE(roster->Add(tester, kPassword, std::chrono::system_clock::now()));
  REQUIRE(roster->Save(users()));
  options.users = users();
  options.audit = audit();
  if (tweak) tweak(options);
  auto server = web::Server::Create(options);
  REQUIRE(server);
  server_ = std::move(*server);
  auto port = server_->Bind();
  REQUIRE(port);
  port_ = *port;
  thread_ = std::thread([this] { (void)server_->Listen(); });
  while (!server_->IsRunning()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const LoginResult login = Login("tester", kPassword);
  REQUIRE(login.status == 303);
  REQUIRE_FALSE(login.cookie.empty());
  cookie_ = login.cookie;
}

LoginResult TestServer::Login(const std::string& id, const std::string& password,
                              const std::string& next) const {
  LoginResult out;
  httplib::Client c = AnonymousClient();
  auto form = c.Get("/login");
  REQUIRE(form);
  const std::string login_cookie =
      CookieFrom(form->get_header_value("Set-Cookie"), "yuimaru_login");
  REQUIRE_FALSE(login_cookie.empty());
  const std::string token = login_cookie.substr(login_cookie.find('=') + 1);
  httplib::Params params{{"id", id}, {"password", password}, {"csrf", token}, {"next", next}};
  auto res = c.Post("/login", {{"Cookie", login_cookie}}, params);
  REQUIRE(res);
  out.status = res->status;
  out.location = res->get_header_value("Location");
  out.set_cookie = res->get_header_value("Set-Cookie");
  out.cookie = CookieFrom(out.set_cookie, "yuimaru_session");
  return out;
}

TestServer::~TestServer() {
  server_->Stop();
  thread_.join();
}

httplib::Client TestServer::Client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(30, 0);
  c.set_default_headers({{"Cookie", cookie_}});
  return c;
}

httplib::Client TestServer::AnonymousClient() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(30, 0);
  return c;
}

std::string TestServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace yuimaru::testing
