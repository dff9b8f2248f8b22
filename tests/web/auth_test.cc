// Need-to-know access on a real server: login, sessions, CSRF, throttling, anonymous reading,
// the clearance cap, cache headers, the audit trail and TLS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <thread>

#include "access/access.h"
#include "tests/support/command.h"
#include "tests/support/test_server.h"

namespace yuimaru::testing {
namespace {

using search::Clearance;

std::vector<std::string> Corpus() { return {(SourceDir() / "corpus").string()}; }

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

uint64_t Total(httplib::Client& c, const std::string& query) {
  auto r = c.Get(("/api/search?q=" + query).c_str());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return nlohmann::json::parse(r->body)["total"].get<uint64_t>();
}

TEST_CASE("web auth: without a session pages go to the login form and the API answers 401",
          "[http][auth]") {
  TestServer server(Corpus());
  auto anon = server.AnonymousClient();
  auto page = anon.Get("/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99");
  REQUIRE(page);
  CHECK(page->status == 303);
  // cpp-httplib's client decodes header values once: the server sent next=%2Fsearch%3Fq%3D%25E4….
  CHECK(page->get_header_value("Location") ==
        "/login?next=/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99");
  for (const char* path :
       {"/api/search?q=x", "/api/facets", "/api/doc/CS-2024-001", "/api/related/CS-2024-001"}) {
    auto api = anon.Get(path);
    REQUIRE(api);
    INFO(path);
    CHECK(api->status == 401);
    CHECK(nlohmann::json::parse(api->body)["error"]["rule"] == "auth.required");
  }
  for (const char* path : {"/doc/CS-2024-001", "/dashboard", "/"}) {
    auto r = anon.Get(path);
    REQUIRE(r);
    CHECK(r->status == 303);
  }
  auto css = anon.Get("/static/app.css");
  REQUIRE(css);
  CHECK(css->status == 200);
  auto form = anon.Get("/login");
  REQUIRE(form);
  CHECK(form->status == 200);
  CHECK(form->body.find("name=\"password\"") != std::string::npos);
  const std::string set_cookie = form->get_header_value("Set-Cookie");
  CHECK(set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
  // A hostile next= never leaves the site.
  auto evil = anon.Get("/login?next=https%3A%2F%2Fevil.example%2F");
  REQUIRE(evil);
  CHECK(evil->body.find("evil.example") == std::string::npos);
}

TEST_CASE("web auth: login sets a new 256-bit HttpOnly SameSite=Strict session every time",
          "[http][auth]") {
  TestServer server(Corpus());
  const LoginResult wrong = server.Login("tester", "not-the-password");
  CHECK(wrong.status == 401);
  CHECK(wrong.cookie.empty());
  const LoginResult unknown = server.Login("nobody", "not-the-password");
  CHECK(unknown.status == 401);

  const LoginResult first = server.Login("tester", TestServer::kPassword, "/dashboard");
  REQUIRE(first.status == 303);
  CHECK(first.location == "/dashboard");
  CHECK(std::regex_match(first.cookie, std::regex("yuimaru_session=[0-9a-f]{64}")));
  CHECK(first.set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(first.set_cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(first.set_cookie.find("Secure") == std::string::npos);  // plain HTTP on loopback
  CHECK(first.cookie != server.cookie());
  // Both sessions of the same user work until one logs out.
  httplib::Client c = server.AnonymousClient();
  c.set_default_headers({{"Cookie", first.cookie}});
  auto ok = c.Get("/search");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(ok->body.find("テスト担当") != std::string::npos);
  CHECK(ok->get_header_value("Cache-Control") == "no-store");
  // A made-up cookie is no session.
  c.set_default_headers({{"Cookie", "yuimaru_session=" + std::string(64, 'a')}});
  CHECK(c.Get("/search")->status == 303);
}

TEST_CASE("web auth: logout needs the session's CSRF token and ends the session", "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  auto page = c.Get("/search");
  REQUIRE(page);
  std::smatch m;
  REQUIRE(std::regex_search(page->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
  const std::string csrf = m[1];
  auto forged = c.Post("/logout", httplib::Params{{"csrf", std::string(64, '0')}});
  REQUIRE(forged);
  CHECK(forged->status == 403);
  CHECK(c.Get("/search")->status == 200);
  auto cross =
      c.Post("/logout", {{"Origin", "http://evil.example"}}, httplib::Params{{"csrf", csrf}});
  REQUIRE(cross);
  CHECK(cross->status == 403);
  auto out = c.Post("/logout", httplib::Params{{"csrf", csrf}});
  REQUIRE(out);
  CHECK(out->status == 303);
  CHECK(out->get_header_value("Set-Cookie").find("Max-Age=0") != std::string::npos);
  CHECK(c.Get("/search")->status == 303);
  // A login form posted without its token cookie is refused (login CSRF).
  auto anon = server.AnonymousClient();
  auto blind = anon.Post(
      "/login",
      httplib::Params{{"id", "tester"}, {"password", TestServer::kPassword}, {"csrf", csrf}});
  REQUIRE(blind);
  CHECK(blind->status == 403);
}

TEST_CASE("web auth: failed logins are throttled per account, then per address", "[http][auth]") {
  TestServer server(Corpus(), Clearance::kConfidential, [](web::ServerOptions& o) {
    o.login_failures_per_account = 3;
    o.login_failures_per_address = 5;
  });
  for (int i = 0; i < 3; ++i)
    CHECK(server.Login("tester", "wrong-password-" + std::to_string(i)).status == 401);
  // The right password does not help once the account is throttled.
  CHECK(server.Login("tester", TestServer::kPassword).status == 429);
  // Another account from the same address still may, until the address limit.
  CHECK(server.Login("other", "wrong-password").status == 401);
  CHECK(server.Login("other2", "wrong-password").status == 401);
  CHECK(server.Login("other3", "wrong-password").status == 429);
  const std::string trail = ReadAll(server.audit());
  CHECK(trail.find("\"action\":\"login-throttled\"") != std::string::npos);
  CHECK(trail.find("wrong-password") == std::string::npos);
  CHECK(trail.find(TestServer::kPassword) == std::string::npos);
}

// On the server's clock, moved by the test: no request waits for real time, so a loaded
// machine cannot make a session outlive (or die before) its time-out.
TEST_CASE("web auth: idle and absolute time-outs end a session", "[http][auth]") {
  auto offset = std::make_shared<std::atomic<int64_t>>(0);  // seconds ahead of real time
  auto clock = [offset] {
    return std::chrono::system_clock::now() + std::chrono::seconds(offset->load());
  };
  SECTION("idle") {
    TestServer server(Corpus(), Clearance::kConfidential, [&](web::ServerOptions& o) {
      o.clock = clock;
      o.idle_timeout = std::chrono::seconds(30 * 60);
    });
    auto c = server.Client();
    CHECK(c.Get("/search")->status == 200);
    *offset += 29 * 60;
    CHECK(c.Get("/search")->status == 200);  // within 30 minutes of the last request
    *offset += 31 * 60;
    CHECK(c.Get("/search")->status == 303);
  }
  SECTION("absolute, even while active") {
    TestServer server(Corpus(), Clearance::kConfidential, [&](web::ServerOptions& o) {
      o.clock = clock;
      o.absolute_timeout = std::chrono::seconds(8 * 60 * 60);
    });
    auto c = server.Client();
    for (int i = 0; i < 17; ++i) {  // a request every 29 minutes (0 … 7 h 44 min): never idle
      CHECK(c.Get("/api/facets")->status == 200);
      *offset += 29 * 60;
    }
    CHECK(c.Get("/api/facets")->status == 401);  // 8 h 13 min after login, 29 min after the last
  }
}

TEST_CASE("web auth: disabling a user in the roster ends their session at the next request",
          "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  CHECK(c.Get("/search")->status == 200);
  auto roster = access::Roster::Load(server.users());
  REQUIRE(roster);
  REQUIRE(roster->SetDisabled("tester", true, std::chrono::system_clock::now()));
  REQUIRE(roster->Save(server.users()));
  CHECK(c.Get("/search")->status == 303);
  CHECK(server.Login("tester", TestServer::kPassword).status == 401);
}

TEST_CASE("web auth: a broken or removed roster signs everybody out, it does not keep the old one",
          "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  CHECK(c.Get("/search")->status == 200);
  WriteFile(server.users(), "{\"users\": [");
  CHECK(c.Get("/search")->status == 303);
  std::filesystem::remove(server.users());
  CHECK(server.Login("tester", TestServer::kPassword).status == 401);
}

TEST_CASE("web auth: anonymous reading is 公開 only; the server's cap bounds every user",
          "[http][auth]") {
  TestServer confidential(Corpus(), Clearance::kConfidential,
                          [](web::ServerOptions& o) { o.allow_anonymous = true; });
  TestServer public_user(Corpus(), Clearance::kPublic);
  TestServer capped(Corpus(), Clearance::kConfidential,
                    [](web::ServerOptions& o) { o.clearance = Clearance::kPublic; });
  auto anon = confidential.AnonymousClient();
  auto signed_in = confidential.Client();
  auto pub = public_user.Client();
  auto cap = capped.Client();
  const uint64_t all = Total(signed_in, "");
  const uint64_t visible = Total(pub, "");
  CHECK(visible < all);
  CHECK(Total(anon, "") == visible);
  CHECK(Total(cap, "") == visible);
  auto page = anon.Get("/search");
  REQUIRE(page);
  CHECK(page->body.find("閲覧区分: <strong>公開</strong>") != std::string::npos);
  CHECK(page->body.find("href=\"/login\"") != std::string::npos);
}

TEST_CASE("web auth: searches and views are in the audit trail, PII masked, chain intact",
          "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  REQUIRE(c.Get("/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99")->status == 200);
  REQUIRE(c.Get("/api/search?q=090-1234-5678")->status == 200);
  REQUIRE(c.Get("/doc/CS-2024-001")->status == 200);
  const std::string trail = ReadAll(server.audit());
  CHECK(trail.find("\"action\":\"login\"") != std::string::npos);
  CHECK(trail.find("\"action\":\"search\",\"query\":\"事業承継\",\"results\":\"") !=
        std::string::npos);
  CHECK(trail.find("1234-5678") == std::string::npos);
  CHECK(trail.find("[pii/phone]") != std::string::npos);
  CHECK(trail.find("\"action\":\"view\",\"doc\":\"CS-2024-001\"") != std::string::npos);
  CHECK(trail.find("\"addr\":\"127.0.0.1\"") != std::string::npos);
  const CommandResult verify = Yuimaru({"audit", "verify", server.audit().string()});
  CHECK(verify.exit_code == 0);
}

TEST_CASE("web auth: bodies, methods and content types outside the two forms are refused",
          "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  auto post = c.Post("/search", "q=x", "application/x-www-form-urlencoded");
  REQUIRE(post);
  CHECK(post->status == 413);
  auto empty_post = c.Post("/search");
  REQUIRE(empty_post);
  CHECK(empty_post->status == 405);
  auto big = c.Post("/login", std::string(5000, 'a'), "application/x-www-form-urlencoded");
  REQUIRE(big);
  CHECK(big->status == 413);
  auto json = c.Post("/login", "{}", "application/json");
  REQUIRE(json);
  CHECK(json->status == 415);
}

// Every way of declaring a body that the server does not read ends the connection after the
// response: the body's bytes must never be served as a second request.
TEST_CASE("web auth: a refused body cannot smuggle a second request", "[http][auth]") {
  const std::string smuggled = "GET /static/app.css HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string n = std::to_string(smuggled.size());
  auto [target, length_headers] = GENERATE_COPY(table<std::string, std::string>({
      {"POST /search", "Content-Type: text/plain\r\nContent-Length: " + n + "\r\n"},
      {"POST /login", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + n +
                          "\r\nContent-Length: " + n + "\r\n"},
      {"POST /login",
       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: +" + n + "\r\n"},
      {"POST /login",
       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + n + "x\r\n"},
      {"POST /login",
       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length : " + n + "\r\n"},
      {"POST /login",
       "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: "
       "chunked\r\nContent-Length: " +
           n + "\r\n"},
  }));
  CAPTURE(target, length_headers);
  TestServer server(Corpus());
  const std::string request =
      target + " HTTP/1.1\r\nHost: x\r\n" + length_headers + "\r\n" + smuggled;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string reply;
  char buf[4096];
  for (ssize_t got; (got = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    reply.append(buf, static_cast<size_t>(got));
  ::close(fd);
  CHECK(reply.rfind("HTTP/1.1 4", 0) == 0);
  size_t responses = 0;
  for (size_t p = reply.find("HTTP/1.1 "); p != std::string::npos;
       p = reply.find("HTTP/1.1 ", p + 1)) {
    ++responses;
  }
  CHECK(responses == 1);
  CHECK(reply.find("text/css") == std::string::npos);
}

TEST_CASE("web auth: TLS serves HTTPS only, 1.2 or newer, with Secure cookies",
          "[http][auth][tls]") {
  TempDir t;
  const std::string cert = (t / "cert.pem").string(), key = (t / "key.pem").string();
  const CommandResult gen =
      RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                  key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"});
  INFO(gen.err);
  REQUIRE(gen.exit_code == 0);
  TempDir scratch;
  // The TestServer's own login runs over plain HTTP, so build this one by hand.
  const CommandResult idx =
      Yuimaru({"index", "--db", (scratch / "db").string(), (SourceDir() / "corpus").string()});
  REQUIRE(idx.exit_code == 0);
  auto roster = access::Roster::Load(scratch / "users.json");
  REQUIRE(roster);
  access::User u;
  u.id = "tls";
  u.clearance = Clearance::kInternal;
  REQUIRE(roster->Add(u, "tls-password-2026", std::chrono::system_clock::now()));
  REQUIRE(roster->Save(scratch / "users.json"));
  web::ServerOptions o;
  o.db = scratch / "db";
  o.port = 0;
  o.users = scratch / "users.json";
  o.tls_cert = cert;
  o.tls_key = key;
  auto server = web::Server::Create(o);
  REQUIRE(server);
  auto port = (*server)->Bind();
  REQUIRE(port);
  std::thread th([&] { (void)(*server)->Listen(); });
  while (!(*server)->IsRunning()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  httplib::SSLClient s("127.0.0.1", *port);
  s.enable_server_certificate_verification(false);
  auto form = s.Get("/login");
  REQUIRE(form);
  const std::string login_cookie = form->get_header_value("Set-Cookie");
  CHECK(login_cookie.find("; Secure") != std::string::npos);
  // __Host-: only this host, over HTTPS, Path=/ (a sibling host cannot plant a form token).
  CHECK(login_cookie.rfind("__Host-yuimaru_login=", 0) == 0);
  CHECK(login_cookie.find("; Path=/;") != std::string::npos);
  CHECK(form->get_header_value("Strict-Transport-Security") == "max-age=31536000");
  const std::string cookie = login_cookie.substr(0, login_cookie.find(';'));
  const std::string token = cookie.substr(cookie.find('=') + 1);
  auto login =
      s.Post("/login", {{"Cookie", cookie}},
             httplib::Params{
                 {"id", "tls"}, {"password", "tls-password-2026"}, {"csrf", token}, {"next", "/"}});
  REQUIRE(login);
  CHECK(login->status == 303);
  CHECK(login->get_header_value("Set-Cookie").find("; Secure") != std::string::npos);
  // Plain HTTP to the TLS port gets no page.
  httplib::Client plain("127.0.0.1", *port);
  plain.set_connection_timeout(2, 0);
  plain.set_read_timeout(2, 0);
  auto clear = plain.Get("/login");
  CHECK((!clear || clear->status >= 400));
  // A client that offers at most TLS 1.1 is refused.
  const CommandResult old =
      RunCommand({"/usr/bin/openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(*port),
                  "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"},
                 "");
  CHECK(old.exit_code == 1);
  // The server's alert, not the client's own refusal.
  CHECK(old.err.find("alert protocol version") != std::string::npos);
  const CommandResult modern = RunCommand(
      {"/usr/bin/openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(*port), "-tls1_2"},
      "");
  CHECK(modern.exit_code == 0);
  (*server)->Stop();
  th.join();
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("web auth: a broken audit trail refuses what it would record and says so on /healthz",
          "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  auto anon = server.AnonymousClient();
  auto healthy = anon.Get("/healthz");
  REQUIRE(healthy);
  CHECK(healthy->status == 200);
  CHECK(nlohmann::json::parse(healthy->body) == nlohmann::json{{"status", "ok"}});
  REQUIRE(c.Get("/api/search?q=x")->status == 200);

  std::ofstream(server.audit(), std::ios::app) << "{\"seq\":9,\"ti";  // a torn last line
  const std::string torn = ReadAll(server.audit());
  auto sick = anon.Get("/healthz");
  REQUIRE(sick);
  CHECK(sick->status == 503);
  const auto health = nlohmann::json::parse(sick->body);
  CHECK(health["status"] == "error");
  CHECK(health["reason"].get<std::string>().find("監査ログ") != std::string::npos);
  CHECK(sick->body.find(server.audit().string()) == std::string::npos);  // no paths
  for (const char* path :
       {"/api/search?q=x", "/api/doc/CS-2024-001", "/api/facets", "/api/related/CS-2024-001"}) {
    auto r = c.Get(path);
    REQUIRE(r);
    INFO(path);
    CHECK(r->status == 503);
    CHECK(nlohmann::json::parse(r->body)["error"]["rule"] == "audit.unavailable");
  }
  for (const char* path : {"/search?q=x", "/doc/CS-2024-001", "/dashboard"}) {
    auto r = c.Get(path);
    REQUIRE(r);
    INFO(path);
    CHECK(r->status == 503);
    CHECK(r->body.find("監査ログに記録できない") != std::string::npos);
    CHECK(r->body.find("CS-2024-001") == std::string::npos);
  }
  CHECK(server.Login("tester", TestServer::kPassword).status == 503);  // no unrecorded login
  CHECK(ReadAll(server.audit()) == torn);

  const CommandResult repair = Yuimaru({"audit", "repair", "--audit", server.audit().string()});
  INFO(repair.out << repair.err);
  REQUIRE(repair.exit_code == 0);
  CHECK(anon.Get("/healthz")->status == 200);
  CHECK(c.Get("/api/search?q=x")->status == 200);
  const CommandResult verify = Yuimaru({"audit", "verify", server.audit().string()});
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.find("audit.jsonl.1: 注意") != std::string::npos);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

// Replaces `from` by `to` (of the same size) in the roster file and puts its mtime back: an
// edit that size and mtime cannot see.
void EditRosterInPlace(const std::filesystem::path& users, const std::string& from,
                       const std::string& to) {
  REQUIRE(from.size() == to.size());
  const auto mtime = std::filesystem::last_write_time(users);
  std::string text = ReadAll(users);
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(users, std::ios::binary | std::ios::trunc) << text;
  std::filesystem::last_write_time(users, mtime);
}

TEST_CASE("web auth: a new password, role or clearance ends the user's sessions", "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  REQUIRE(c.Get("/search")->status == 200);
  SECTION("password") {
    auto roster = access::Roster::Load(server.users());
    REQUIRE(roster);
    REQUIRE(roster->SetPassword("tester", "a-new-password-2026", std::chrono::system_clock::now()));
    REQUIRE(roster->Save(server.users()));
    CHECK(c.Get("/search")->status == 303);
    CHECK(server.Login("tester", "a-new-password-2026").status == 303);
  }
  SECTION("clearance") {
    EditRosterInPlace(server.users(), "\"clearance\": \"機密\"", "\"clearance\": \"内部\"");
    CHECK(c.Get("/search")->status == 303);
  }
  SECTION("role") {
    EditRosterInPlace(server.users(), "\"role\": \"コンサルタント\"",
                      "\"role\": \"閲覧者\"            ");
    CHECK(c.Get("/search")->status == 303);
  }
  SECTION("not the display name") {
    EditRosterInPlace(server.users(), "テスト担当", "テスト係長");
    auto page = c.Get("/search");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->body.find("テスト係長") != std::string::npos);
  }
}

TEST_CASE("web auth: the roster is re-read when its bytes change, even at the same size and mtime",
          "[http][auth]") {
  TestServer server(Corpus());
  auto c = server.Client();
  REQUIRE(c.Get("/search")->status == 200);
  EditRosterInPlace(server.users(), "\"disabled\": false", "\"disabled\": true ");
  CHECK(c.Get("/search")->status == 303);
  CHECK(server.Login("tester", TestServer::kPassword).status == 401);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

// POST /login from the loopback address `source` (127.0.0.0/8 is all local), with a form
// token fetched first; returns the status code. The id and password must be URL-safe.
int LoginFrom(const TestServer& server, const std::string& source, const std::string& id,
              const std::string& password) {
  auto form = server.AnonymousClient().Get("/login");
  REQUIRE(form);
  const std::string set_cookie = form->get_header_value("Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const std::string token = cookie.substr(cookie.find('=') + 1);
  const std::string body = "id=" + id + "&password=" + password + "&csrf=" + token + "&next=%2F";
  const std::string request =
      "POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
      "\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: " + cookie +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  REQUIRE(::inet_pton(AF_INET, source.c_str(), &from.sin_addr) == 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(server.port()));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    reply.append(buf, static_cast<size_t>(n));
  ::close(fd);
  REQUIRE(reply.rfind("HTTP/1.1 ", 0) == 0);
  return std::atoi(reply.c_str() + 9);
}

TEST_CASE("web auth: strangers' failures do not lock the real user out of a clean address",
          "[http][auth]") {
  TestServer server(Corpus(), Clearance::kConfidential, [](web::ServerOptions& o) {
    o.login_failures_per_account = 3;
    o.login_failures_per_address = 10;
  });
  for (int i = 0; i < 3; ++i)
    CHECK(LoginFrom(server, "127.0.0.2", "tester", "wrong-" + std::to_string(i)) == 401);
  // The address that failed stays throttled for this account, even with the right password.
  CHECK(LoginFrom(server, "127.0.0.2", "tester", TestServer::kPassword) == 429);
  // Another address gets one try; once it has failed it is throttled too.
  CHECK(LoginFrom(server, "127.0.0.3", "tester", "wrong-again") == 401);
  CHECK(LoginFrom(server, "127.0.0.3", "tester", TestServer::kPassword) == 429);
  // The real user, from an address without failures, signs in.
  CHECK(LoginFrom(server, "127.0.0.4", "tester", TestServer::kPassword) == 303);
}

TEST_CASE("web auth: the login token must be the server's own, and Origin: null is refused",
          "[http][auth]") {
  TestServer server(Corpus());
  auto anon = server.AnonymousClient();
  const httplib::Params login{{"id", "tester"}, {"password", TestServer::kPassword}};
  // A self-chosen pair of cookie and field, as a sibling host could plant.
  const std::string chosen(64, 'a');
  httplib::Params forged = login;
  forged.emplace("csrf", chosen);
  auto self = anon.Post("/login", {{"Cookie", "yuimaru_login=" + chosen}}, forged);
  REQUIRE(self);
  CHECK(self->status == 403);

  auto form = anon.Get("/login");
  REQUIRE(form);
  CHECK(form->get_header_value_count("Referrer-Policy") == 1);
  CHECK(form->get_header_value("Referrer-Policy") == "same-origin");
  const std::string set_cookie = form->get_header_value("Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  httplib::Params real = login;
  real.emplace("csrf", cookie.substr(cookie.find('=') + 1));
  auto null_origin = anon.Post("/login", {{"Cookie", cookie}, {"Origin", "null"}}, real);
  REQUIRE(null_origin);
  CHECK(null_origin->status == 403);
  auto own = anon.Post(
      "/login",
      {{"Cookie", cookie}, {"Origin", "http://127.0.0.1:" + std::to_string(server.port())}}, real);
  REQUIRE(own);
  CHECK(own->status == 303);
  // Every other page keeps no-referrer.
  CHECK(server.Client().Get("/search")->get_header_value("Referrer-Policy") == "no-referrer");
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("web auth: readers below 事務局 get no file path in hits or documents", "[http][auth]") {
  TestServer server(Corpus());  // "tester" is a コンサルタント
  auto roster = access::Roster::Load(server.users());
  REQUIRE(roster);
  access::User office;
  office.id = "office";
  office.role = access::Role::kSecretariat;
  office.clearance = Clearance::kConfidential;
  REQUIRE(roster->Add(office, "office-password-2026", std::chrono::system_clock::now()));
  REQUIRE(roster->Save(server.users()));
  const LoginResult login = server.Login("office", "office-password-2026");
  REQUIRE(login.status == 303);
  auto secretariat = server.AnonymousClient();
  secretariat.set_default_headers({{"Cookie", login.cookie}});
  const std::string root = SourceDir().string();

  auto c = server.Client();
  auto hits = c.Get("/api/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99");
  REQUIRE(hits);
  REQUIRE(hits->status == 200);
  const auto json = nlohmann::json::parse(hits->body);
  REQUIRE_FALSE(json["hits"].empty());
  for (const auto& h : json["hits"]) CHECK_FALSE(h.contains("path"));
  CHECK(hits->body.find(root) == std::string::npos);
  auto doc = c.Get("/api/doc/CS-2024-001");
  REQUIRE(doc);
  CHECK_FALSE(nlohmann::json::parse(doc->body).contains("path"));
  CHECK(doc->body.find(root) == std::string::npos);
  for (const char* page : {"/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99", "/doc/CS-2024-001"})
    CHECK(c.Get(page)->body.find(root) == std::string::npos);

  auto office_hits = secretariat.Get("/api/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99");
  REQUIRE(office_hits);
  CHECK(nlohmann::json::parse(office_hits->body)["hits"][0].contains("path"));
  auto office_doc = secretariat.Get("/api/doc/CS-2024-001");
  REQUIRE(office_doc);
  CHECK(nlohmann::json::parse(office_doc->body)["path"].get<std::string>().find("CS-2024-001") !=
        std::string::npos);
}

}  // namespace
}  // namespace yuimaru::testing

namespace yuimaru::testing {
namespace {

TEST_CASE("web auth: with an audit key the server writes a keyed chain", "[http][auth]") {
  const std::string key(40, 'w');
  TestServer server(Corpus(), Clearance::kConfidential,
                    [&](web::ServerOptions& o) { o.audit_key = key; });
  REQUIRE(server.Client().Get("/api/search?q=x")->status == 200);
  auto keyed = access::VerifyAuditLog(server.audit(), key);
  REQUIRE(keyed);
  CHECK(keyed->first_broken == 0);
  CHECK(keyed->lines >= 2);  // the login and the search
  CHECK(access::VerifyAuditLog(server.audit())->first_broken == 1);
}

// Emptying, cutting or deleting the trail under a running server leaves a shorter chain that
// verifies: the server remembers what it wrote and refuses to go on without it.
TEST_CASE("web auth: an emptied, truncated or deleted audit trail stops what it would record",
          "[http][auth]") {
  auto how = GENERATE(as<std::string>{}, "empty", "truncate", "delete");
  CAPTURE(how);
  TestServer server(Corpus());
  auto c = server.Client();
  auto anon = server.AnonymousClient();
  for (int i = 0; i < 3; ++i) REQUIRE(c.Get("/api/search?q=x")->status == 200);
  const std::string trail = ReadAll(server.audit());
  if (how == "empty") {
    std::ofstream(server.audit(), std::ios::trunc).flush();
  } else if (how == "truncate") {
    std::ofstream(server.audit(), std::ios::trunc)
        << trail.substr(0, trail.rfind('\n', trail.size() - 2) + 1);
  } else {
    std::filesystem::remove(server.audit());
  }
  CHECK(anon.Get("/healthz")->status == 503);
  auto r = c.Get("/api/search?q=x");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(nlohmann::json::parse(r->body)["error"]["rule"] == "audit.unavailable");
  CHECK(c.Get("/search?q=x")->status == 503);
}

}  // namespace
}  // namespace yuimaru::testing
