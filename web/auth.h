// Who is asking: signing in and out of the web front end, and the reader of each request.
// Owns the roster as last read (re-read when the file changes), the sessions, login throttling
// (per account and per address), the login form's signed CSRF tokens and the session cookie.
// Routes, request guards and the search side live in web/server.cc; the pure parts (sessions,
// throttles, tokens, cookies) in web/session.h.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "access/access.h"
#include "core/result.h"
#include "search/search.h"
#include "web/render.h"
#include "web/session.h"
#include "web/web.h"

namespace yuimaru::web {

// Who is asking, and at which clearance they read.
struct Viewer {
  std::string user;  // roster id; empty: anonymous
  std::string name;  // display name
  std::string csrf;  // the session's CSRF token; empty: anonymous
  search::Clearance clearance = search::Clearance::kPublic;
  access::Role role = access::Role::kViewer;  // anonymous: the least
};

class Auth {
 public:
  // Records a sign-in event ("login", "login-failed", "login-throttled", "logout") before it
  // is answered; an error refuses the action (503), except a logout, which is never refused.
  using AuditFn =
      std::function<Status(const Viewer&, const httplib::Request&, const std::string& action)>;

  // `options` must outlive this object; `now` is the server's clock.
  Auth(const ServerOptions& options, std::function<Clock::time_point()> now, AuditFn audit);
  ~Auth();

  // The signed-in user of a request (at the lower of their roster clearance and the server's),
  // or the anonymous reader when that is allowed; nullopt: nobody may read. A session whose
  // user was disabled, removed or given a new password, role or clearance since login ends
  // here. Thread-safe, as is everything below.
  std::optional<Viewer> Authenticate(const httplib::Request& req);

  // What every page shows about the session.
  PageContext Context(const Viewer& v) const;

  // GET /login: the form, with a fresh signed token (cookie and field).
  void LoginGet(const httplib::Request& req, httplib::Response& res);
  // POST /login: same origin and token, throttles, the password (argon2id, a few at a time),
  // then a new session (303 to `next`); else the form again with 401/403/429/503.
  void LoginPost(const httplib::Request& req, httplib::Response& res);
  // Whether a state-changing form post of `v` carries its session's own CSRF token (field
  // "csrf") and comes from this origin (or "null": pages are sent with no-referrer, as for the
  // logout form). False for the anonymous reader, who has no token.
  bool CheckFormToken(const Viewer& v, const httplib::Request& req) const;

  // POST /logout: needs the session's own CSRF token; ends the session (303 to /login).
  void LogoutPost(const httplib::Request& req, httplib::Response& res);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The address a login failure counts against: IPv4 as it is, IPv6 by its /64 (one host usually
// holds a whole /64, as the connection gate also counts), an IPv4-mapped address as IPv4.
std::string ThrottleAddress(const std::string& remote);

}  // namespace yuimaru::web
