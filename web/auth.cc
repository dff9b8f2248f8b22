#include "web/auth.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <semaphore>

#include "core/schema.h"

namespace yuimaru::web {
namespace {

constexpr char kSessionCookiePlain[] = "yuimaru_session";
// Under TLS the __Host- prefix: the browser accepts it only from this host, over HTTPS, for
// Path=/, so a sibling host or a plain-HTTP attacker cannot plant one.
constexpr char kSessionCookieTls[] = "__Host-yuimaru_session";
constexpr char kLoginCookiePlain[] = "yuimaru_login";
constexpr char kLoginCookieTls[] = "__Host-yuimaru_login";
constexpr std::chrono::seconds kLoginTokenAge{60 * 60};

}  // namespace

std::string ThrottleAddress(const std::string& remote) {
  in6_addr v6{};
  if (remote.find(':') == std::string::npos || ::inet_pton(AF_INET6, remote.c_str(), &v6) != 1) {
    return remote;
  }
  if (IN6_IS_ADDR_V4MAPPED(&v6)) return remote.substr(remote.rfind(':') + 1);
  std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, &v6, text, sizeof text);
  return std::string(text) + "/64";
}

struct Auth::State {
  const ServerOptions& options;
  std::function<Clock::time_point()> now;
  AuditFn audit;
  SessionStore sessions{options.idle_timeout, options.absolute_timeout};
  LoginThrottle account_throttle{options.login_failures_per_account, options.login_window};
  LoginThrottle address_throttle{options.login_failures_per_address, options.login_window};
  std::counting_semaphore<> password_checks{4};
  // Signs the login form's tokens; new at every start, so a restart only voids open forms.
  const std::string login_secret = access::RandomHex(32);
  std::mutex roster_mu;
  access::Roster roster;
  std::optional<std::string> roster_bytes;  // the file as last read; nullopt: none

  State(const ServerOptions& o, std::function<Clock::time_point()> n, AuditFn a)
      : options(o), now(std::move(n)), audit(std::move(a)) {}

  Clock::time_point Now() const { return now(); }
  bool Tls() const { return !options.tls_cert.empty(); }
  const char* SessionCookieName() const { return Tls() ? kSessionCookieTls : kSessionCookiePlain; }
  // Under TLS the __Host- prefix too (Path=/ then, as the prefix requires): a sibling host
  // cannot plant a login token either.
  const char* LoginCookieName() const { return Tls() ? kLoginCookieTls : kLoginCookiePlain; }

  // The roster entry of `id` as of now; nullopt if the user is unknown or disabled. The file is
  // read on every call and parsed again when its bytes differ (size and mtime can stay the same
  // across an edit); it is a few kilobytes.
  std::optional<access::User> CurrentUser(const std::string& id) {
    std::lock_guard<std::mutex> lock(roster_mu);
    if (options.users.empty()) return std::nullopt;
    std::optional<std::string> bytes;
    if (std::ifstream in(options.users, std::ios::binary); in) {
      bytes.emplace((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (in.bad()) bytes.reset();
    }
    if (bytes != roster_bytes) {
      roster_bytes = bytes;
      if (!bytes) {
        roster = access::Roster();  // the roster file is gone: nobody is signed in
      } else if (auto loaded = access::Roster::Parse(*bytes, options.users.string())) {
        roster = std::move(*loaded);
      } else {
        // A broken edit must not leave the old roster (with someone it meant to disable) in force.
        roster = access::Roster();
        std::fprintf(stderr, "yuimaru serve: %s\n", loaded.error().ToString().c_str());
      }
    }
    const access::User* u = roster.Find(id);
    if (!u || u->disabled) return std::nullopt;
    return *u;
  }

  std::optional<Viewer> Authenticate(const httplib::Request& req) {
    const std::string token = CookieValue(req.get_header_value("Cookie"), SessionCookieName());
    if (!token.empty()) {
      if (auto session = sessions.Touch(token, Now())) {
        auto user = CurrentUser(session->user);
        if (user && access::CredentialStamp(*user) == session->stamp) {
          return Viewer{user->id, user->name, session->csrf,
                        std::min(user->clearance, options.clearance), user->role};
        }
        // Disabled or removed since login, or a new password, role or clearance: whoever holds
        // this cookie signs in again under the roster as it is now.
        sessions.Remove(token);
      }
    }
    if (options.allow_anonymous) return Viewer{};
    return std::nullopt;
  }

  PageContext Context(const Viewer& v) const {
    PageContext ctx{std::string(core::ClearanceLabel(v.clearance)), v.name, v.csrf, false};
    ctx.login_link = v.user.empty() && !options.users.empty();
    return ctx;
  }

  std::string SessionCookie(const std::string& value, bool clear) const {
    return std::string(SessionCookieName()) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" +
           (clear ? "; Max-Age=0" : "") + (Tls() ? "; Secure" : "");
  }

  // Cross-site form posts are refused even before the CSRF token is checked. Under
  // Referrer-Policy no-referrer browsers send "Origin: null" for our own forms (Fetch's
  // "serialize a request origin"), so the login page is served with Referrer-Policy
  // same-origin, under which our own form sends its real origin and "null" can be refused.
  // Logout forms sit on every page (no-referrer) and carry the session's own secret token.
  enum class NullOrigin { kRefuse, kAllow };
  bool SameOrigin(const httplib::Request& req, NullOrigin null_origin) const {
    if (!req.has_header("Origin")) return true;
    const std::string origin = req.get_header_value("Origin");
    if (origin == "null") return null_origin == NullOrigin::kAllow;
    const std::string host = req.get_header_value("Host");
    return origin == (Tls() ? "https://" : "http://") + host;
  }

  void LoginPage(const httplib::Request& req, httplib::Response& res, int status,
                 const std::string& message, const std::string& id, const std::string& next) {
    const std::string csrf = MakeLoginToken(login_secret, Now());
    res.status = status;
    res.set_header(
        "Set-Cookie",
        std::string(LoginCookieName()) + "=" + csrf + (Tls() ? "; Path=/" : "; Path=/login") +
            "; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(kLoginTokenAge.count()) +
            (Tls() ? "; Secure" : ""));
    // Our own form must send its real Origin (see SameOrigin); same-origin still sends no
    // Referer to any other site.
    res.headers.erase("Referrer-Policy");
    res.set_header("Referrer-Policy", "same-origin");
    Viewer anonymous;
    if (auto v = Authenticate(req)) anonymous = *v;
    PageContext ctx = Context(anonymous);
    ctx.login_link = false;
    res.set_content(RenderLoginPage(ctx, LoginForm{message, id, next, csrf}),
                    "text/html; charset=utf-8");
  }

  void Login(const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.get_param_value("id");
    const std::string password = req.get_param_value("password");
    const std::string next = SafeNextUrl(req.get_param_value("next"));
    const std::string form_csrf = req.get_param_value("csrf");
    const std::string cookie_csrf = CookieValue(req.get_header_value("Cookie"), LoginCookieName());
    if (!SameOrigin(req, NullOrigin::kRefuse) || !SameToken(form_csrf, cookie_csrf) ||
        !CheckLoginToken(login_secret, cookie_csrf, Now(), kLoginTokenAge)) {
      return LoginPage(req, res, 403,
                       "フォームの有効期限が切れました。もう一度ログインしてください。", "", next);
    }
    const auto now = Now();
    // The id as logged: at most 64 bytes, never cut inside a character.
    size_t cut = std::min<size_t>(id.size(), 64);
    while (cut > 0 && cut < id.size() && (static_cast<unsigned char>(id[cut]) & 0xC0) == 0x80)
      --cut;
    Viewer attempted{id.substr(0, cut), "", "", search::Clearance::kPublic};
    // Ids that cannot exist are not throttle keys (the map would grow with every guess).
    static const std::regex kIdShape("[a-z0-9._-]{2,32}");
    const bool possible = std::regex_match(id, kIdShape);
    const std::string account_key = "user:" + id,
                      address_key = "addr:" + ThrottleAddress(req.remote_addr);
    // An account at its limit still takes a try from an address with no failures in the
    // window: strangers' guesses from elsewhere must not lock the real user out. Each address
    // gets at most one such try per window (a wrong one makes it an address with failures).
    const bool account_open = !possible || account_throttle.Attempt(account_key, now);
    const bool address_ok = account_open ? address_throttle.Attempt(address_key, now)
                                         : address_throttle.AttemptIfClean(address_key, now);
    if (!address_ok) {
      if (account_open && possible) account_throttle.Forgive(account_key, now);
      if (Status a = audit(attempted, req, "login-throttled"); !a) {
        return LoginPage(req, res, 503, a.error().message, id, next);
      }
      res.set_header("Retry-After", std::to_string(options.login_window.count()));
      return LoginPage(req, res, 429,
                       "ログインの失敗が続いたため、しばらく受け付けません。時間をおいてから"
                       "お試しください。",
                       id, next);
    }
    // argon2id takes 64 MiB per check: a few at a time, whatever the number of threads.
    if (!password_checks.try_acquire_for(std::chrono::seconds(5))) {
      if (account_open && possible) account_throttle.Forgive(account_key, now);
      address_throttle.Forgive(address_key, now);
      return LoginPage(req, res, 503, "混み合っています。しばらくしてからもう一度お試しください。",
                       id, next);
    }
    std::optional<access::User> user = possible ? CurrentUser(id) : std::nullopt;
    bool ok = false;
    if (user && !user->password_hash.empty()) {
      ok = access::VerifyPassword(user->password_hash, password);
    } else {
      access::SpendVerifyTime(password);  // unknown ids take as long as known ones
    }
    password_checks.release();
    if (!ok) {  // the attempt stays counted as a failure
      if (Status a = audit(attempted, req, "login-failed"); !a) {
        return LoginPage(req, res, 503, a.error().message, id, next);
      }
      return LoginPage(req, res, 401, "ID またはパスワードが違います。", id, next);
    }
    address_throttle.Forgive(address_key, now);
    account_throttle.Succeeded(account_key);
    Viewer v{user->id, user->name, "", std::min(user->clearance, options.clearance)};
    if (Status a = audit(v, req, "login"); !a) {
      return LoginPage(req, res, 503, a.error().message, id, next);
    }
    // A new session id at every login; an old cookie's session ends (no fixation).
    if (const std::string old = CookieValue(req.get_header_value("Cookie"), SessionCookieName());
        !old.empty()) {
      sessions.Remove(old);
    }
    const std::string token = sessions.Create(user->id, access::CredentialStamp(*user), now);
    res.status = 303;
    res.set_header("Set-Cookie", SessionCookie(token, false));
    res.set_header("Location", next);
  }

  void Logout(const httplib::Request& req, httplib::Response& res) {
    const std::string token = CookieValue(req.get_header_value("Cookie"), SessionCookieName());
    auto session = token.empty() ? std::nullopt : sessions.Touch(token, Now());
    if (!session || !SameOrigin(req, NullOrigin::kAllow) ||
        !SameToken(req.get_param_value("csrf"), session->csrf)) {
      res.status = 403;
      Viewer anonymous;
      res.set_content(
          RenderErrorPage(Context(anonymous), 403,
                          "この操作は受け付けられません（ページを開き直してください）。"),
          "text/html; charset=utf-8");
      return;
    }
    // Ending a session is never refused, even when the trail cannot record it.
    sessions.Remove(token);
    Viewer v{session->user, "", "", search::Clearance::kPublic};
    res.set_header("Set-Cookie", SessionCookie("", true));
    if (Status a = audit(v, req, "logout"); !a) {
      res.status = 503;
      res.set_content(RenderErrorPage(Context(Viewer{}), 503, a.error().message),
                      "text/html; charset=utf-8");
      return;
    }
    res.status = 303;
    res.set_header("Location", "/login");
  }
};

Auth::Auth(const ServerOptions& options, std::function<Clock::time_point()> now, AuditFn audit)
    : state_(std::make_unique<State>(options, std::move(now), std::move(audit))) {}
Auth::~Auth() = default;

std::optional<Viewer> Auth::Authenticate(const httplib::Request& req) {
  return state_->Authenticate(req);
}
PageContext Auth::Context(const Viewer& v) const { return state_->Context(v); }
void Auth::LoginGet(const httplib::Request& req, httplib::Response& res) {
  state_->LoginPage(req, res, 200, "", "", req.get_param_value("next"));
}
void Auth::LoginPost(const httplib::Request& req, httplib::Response& res) {
  state_->Login(req, res);
}
bool Auth::CheckFormToken(const Viewer& v, const httplib::Request& req) const {
  return !v.csrf.empty() && state_->SameOrigin(req, State::NullOrigin::kAllow) &&
         SameToken(req.get_param_value("csrf"), v.csrf);
}
void Auth::LogoutPost(const httplib::Request& req, httplib::Response& res) {
  state_->Logout(req, res);
}

}  // namespace yuimaru::web
