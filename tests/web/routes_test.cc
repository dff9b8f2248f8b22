// The route table (web/routes.h): pure checks of its rows, then the same rows against a real
// server, so that a route added without an audit action or with parameters of its own fails.
#include "web/routes.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/test_server.h"

namespace yuimaru::testing {
namespace {

using web::ParamRule;
using web::Route;
using web::RouteAccess;

const Route& Find(std::string_view method, std::string_view pattern) {
  for (const Route& r : web::Routes()) {
    if (r.method == method && r.pattern == pattern) return r;
  }
  FAIL("no route " << method << " " << pattern);
  throw std::logic_error("unreachable");
}

TEST_CASE("routes: every reader route is audited and says which parameters it takes", "[web]") {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  size_t readers = 0;
  for (const Route& r : web::Routes()) {
    INFO(r.method << " " << r.pattern);
    CHECK(seen.insert({r.method, r.pattern}).second);  // registered once
    CHECK((r.method == "GET" || r.method == "POST"));
    if (r.access == RouteAccess::kReader) {
      ++readers;
      CHECK_FALSE(r.audit.empty());
      CHECK(r.params != ParamRule::kOwn);
      // Reads never change state; the POSTs that do are the pack basket's, each checked for
      // the session's CSRF token (Route::Changes).
      CHECK((r.method == "GET" || r.pattern.find("pack") != std::string_view::npos));
    } else {
      CHECK(r.audit.empty());  // open routes record their own events (login, logout)
    }
    if (r.params != ParamRule::kListed) CHECK(r.allowed.empty());
  }
  CHECK(readers == 18);
}

TEST_CASE("routes: a page and its API twin take the same parameters", "[web]") {
  const std::pair<std::string_view, std::string_view> twins[] = {
      {"/search", "/api/search"},
      {"/search", "/api/facets"},
      {R"(/doc/([^/]+))", R"(/api/doc/([^/]+))"},
      {"/dashboard", "/api/report"},
      {"/dashboard", "/dashboard.csv"},
      {"/dashboard", "/dashboard.xlsx"},
  };
  for (const auto& [page, api] : twins) {
    const Route& p = Find("GET", page);
    const Route& a = Find("GET", api);
    INFO(page << " / " << api);
    CHECK(p.params == a.params);
    CHECK(std::vector<std::string_view>(p.allowed.begin(), p.allowed.end()) ==
          std::vector<std::string_view>(a.allowed.begin(), a.allowed.end()));
  }
  // Every API route is a reader route (nothing under /api/ is open).
  for (const Route& r : web::Routes()) {
    if (r.pattern.rfind("/api/", 0) == 0) CHECK(r.access == RouteAccess::kReader);
  }
}

TEST_CASE("routes: parameters outside a listed route's list are refused, by name", "[web]") {
  const Route& doc = Find("GET", R"(/doc/([^/]+))");
  CHECK(web::CheckParams(doc, {}));
  CHECK(web::CheckParams(doc, {{"back", "/search?q=x"}}));
  CHECK(web::CheckParams(doc, {{"back", "a"}, {"back", "b"}}));
  for (const char* name : {"limit", "q", "Back", "back ", "", "%62ack", "ｂａｃｋ"}) {
    INFO(name);
    auto s = web::CheckParams(doc, {{"back", "x"}, {name, "1"}});
    REQUIRE_FALSE(s);
    CHECK(s.error().rule == "param.unknown");
    CHECK(s.error().message.find(std::string("「") + name + "」") != std::string::npos);
  }
  // A search's parameters are ParseSearchState's to check, the dashboard's ParseReportState's;
  // an open route reads its own.
  CHECK(web::CheckParams(Find("GET", "/search"), {{"anything", "1"}}));
  CHECK(web::CheckParams(Find("GET", "/dashboard"), {{"anything", "1"}}));
  CHECK(web::CheckParams(Find("GET", "/login"), {{"anything", "1"}}));
}

TEST_CASE("routes: the Allow header and the form posts come from the table", "[web]") {
  CHECK(web::AllowedMethods("/login") == "GET, HEAD, POST");
  CHECK(web::AllowedMethods("/logout") == "POST");
  CHECK(web::AllowedMethods("/search") == "GET, HEAD");
  CHECK(web::AllowedMethods("/doc/CS-2024-001") == "GET, HEAD");
  CHECK(web::AllowedMethods("/no/such/path") == "GET, HEAD");
  CHECK(web::TakesFormPost("/login"));
  CHECK(web::TakesFormPost("/logout"));
  for (const char* path : {"/search", "/", "/api/search", "/login/", "/LOGIN", "/logout?x=1"}) {
    INFO(path);
    CHECK_FALSE(web::TakesFormPost(path));
  }
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A concrete request for each reader route of the table (its id group filled in).
std::string Example(const Route& r) {
  std::string path(r.pattern);
  const bool firm = path.rfind("/firm/", 0) == 0;
  if (const size_t g = path.find("([^/]+)"); g != std::string::npos)
    path.replace(g, 7, firm ? "C-0123" : "CS-2024-001");
  return path;
}

TEST_CASE("routes: on a real server every reader route writes its audit line", "[http][web]") {
  TestServer server({(SourceDir() / "corpus").string()});
  auto c = server.Client();
  for (const Route& r : web::Routes()) {
    // Form posts and the pack download (400 on an empty basket) are checked with their
    // audit lines in tests/web/pack_basket_test.cc.
    if (r.access != RouteAccess::kReader || r.method != "GET" || r.pattern == "/pack/download")
      continue;
    const std::string path = Example(r);
    INFO(path);
    const size_t before = ReadAll(server.audit()).size();
    auto res = c.Get(path.c_str());
    REQUIRE(res);
    CHECK(res->status == 200);
    const std::string added = ReadAll(server.audit()).substr(before);
    CHECK(added.find("\"action\":\"" + std::string(r.audit) + "\"") != std::string::npos);
  }
}

TEST_CASE("routes: on a real server a page and its API twin refuse the same parameters",
          "[http][web]") {
  TestServer server({(SourceDir() / "corpus").string()});
  auto c = server.Client();
  for (const char* path :
       {"/doc/CS-2024-001?limit=3", "/api/doc/CS-2024-001?limit=3", "/api/doc/CS-2024-001?x=1",
        "/api/related/CS-2024-001?back=/", "/search?nope=1", "/api/search?nope=1",
        "/api/facets?nope=1", "/dashboard?nope=1", "/api/report?nope=1", "/dashboard.csv?nope=1",
        "/dashboard.xlsx?fiscal_year=2024&nope=1"}) {
    INFO(path);
    const size_t before = ReadAll(server.audit()).size();
    auto res = c.Get(path);
    REQUIRE(res);
    CHECK(res->status == 400);
    // The same rule and message for page and API (the page shows the message).
    CHECK(res->body.find("不明なパラメータ") != std::string::npos);
    if (std::string_view(path).rfind("/api/", 0) == 0)
      CHECK(nlohmann::json::parse(res->body)["error"]["rule"] == "param.unknown");
    CHECK(ReadAll(server.audit()).size() == before);  // a refused request reads nothing
  }
  auto ok = c.Get("/api/doc/CS-2024-001?back=%2Fsearch");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

}  // namespace
}  // namespace yuimaru::testing
