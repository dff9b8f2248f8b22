// The web front end's routes as one table: for each, the method and path, whether it needs a
// reader (a session, or the anonymous reader), the audit action written for every answer it
// gives, and the parameters it accepts. The server (web/server.cc) registers exactly these
// routes and enforces the table around every handler, so a page and its API twin cannot drift
// apart (one audits and the other does not; one refuses a parameter the other takes). Pure data.
//
// Add an API endpoint: a row here (its audit action and parameters), a handler in server.cc
// for its RouteId, and a test in tests/web/.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace yuimaru::web {

// Which handler answers a route (server.cc maps each to a function).
enum class RouteId {
  kHealth,
  kLoginForm,
  kLogin,
  kLogout,
  kStatic,
  kSearchPage,
  kDocumentPage,
  kDashboard,
  kDashboardCsv,
  kDashboardXlsx,
  kApiReport,
  kFollowups,
  kFirmPage,
  kApiSearch,
  kApiFacets,
  kApiDocument,
  kApiRelated,
  kPackPage,      // the user's 研修 pack basket
  kPackAdd,       // POST: a document or section into the basket
  kPackEdit,      // POST: reorder, remove, title and cover note
  kPackDownload,  // the pack as HTML, Markdown, Word or PDF (audit action "pack")
  kApiPackAdd,    // POST: as kPackAdd, answered in JSON
};

// Who may call a route.
enum class RouteAccess {
  kOpen,    // anyone: health, login, logout (which checks its own session), static assets
  kReader,  // a signed-in user, or the anonymous reader where allowed; else login / 401
};

// Which parameters a route takes.
enum class ParamRule {
  kOwn,          // an open route reads what it needs and ignores the rest (forms, ?next=)
  kListed,       // only the names in `allowed` (none if empty); any other is a 400
  kSearchState,  // a search's state, checked by ParseSearchState (web/params.h)
  kReportState,  // the dashboard's state, checked by ParseReportState (web/params.h)
};

struct Route {
  std::string_view method;   // "GET" (HEAD is answered alike) or "POST"
  std::string_view pattern;  // cpp-httplib pattern; a group captures the document id
  RouteId id;
  RouteAccess access;
  // The audit action recorded before a reader route answers (and the reason to refuse it
  // with 503 when the trail cannot take it); empty for open routes, which audit what they do
  // themselves (login, login-failed, login-throttled, logout).
  std::string_view audit;
  ParamRule params;
  std::span<const std::string_view> allowed;  // kListed only
  // A POST that changes something: the session's CSRF token must come with it (web/auth).
  bool Changes() const { return method == "POST"; }
};

// Every route of the server, in registration order.
std::span<const Route> Routes();

// The methods a path answers to, for a 405's Allow header ("GET, HEAD" or "GET, HEAD, POST"),
// and whether it takes a form post at all.
std::string AllowedMethods(std::string_view path);
bool TakesFormPost(std::string_view path);

// Checks request parameters against a kListed route: fails with kInvalidInput
// ("param.unknown") naming the first parameter the route does not take. Other rules pass.
Status CheckParams(const Route& route, const std::multimap<std::string, std::string>& params);

}  // namespace yuimaru::web
