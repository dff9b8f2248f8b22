// The HTTP side of the web front end (cpp-httplib): routes, headers, the pool of Searchers.
#include <arpa/inet.h>
#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/resource.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <semaphore>
#include <thread>
#include <vector>

#include "access/access.h"
#include "core/index_layout.h"
#include "core/pii.h"
#include "core/schema.h"
#include "search/json.h"
#include "web/assets.h"
#include "web/gate.h"
#include "web/html.h"
#include "web/params.h"
#include "web/render.h"
#include "web/session.h"
#include "web/web.h"

namespace yuimaru::web {
namespace {

// Every response: nothing but this server may supply scripts, styles, images or frames.
const httplib::Headers& SecurityHeaders() {
  static const httplib::Headers* h = new httplib::Headers{
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
  };
  return *h;
}

int StatusOf(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kBusy:
      return 503;
    default:
      return 500;
  }
}

constexpr char kAuditUnavailable[] = "audit.unavailable";

// What a user may read of an error: the rule and message of input errors and of a refusal for
// want of an audit trail; nothing internal.
std::string PublicMessage(const Error& e) {
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound ||
      e.rule == kAuditUnavailable) {
    return e.message;
  }
  return "検索できませんでした。しばらくしてからもう一度お試しください。";
}

Error PublicError(const Error& e) {
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound ||
      e.rule == kAuditUnavailable) {
    return e;
  }
  return MakeError(e.code, "server.error", PublicMessage(e));
}

std::multimap<std::string, std::string> Params(const httplib::Request& req) {
  return std::multimap<std::string, std::string>(req.params.begin(), req.params.end());
}

bool IsApi(const httplib::Request& req) { return req.path.rfind("/api/", 0) == 0; }

constexpr char kSessionCookiePlain[] = "yuimaru_session";
// Under TLS the __Host- prefix: the browser accepts it only from this host, over HTTPS, for
// Path=/, so a sibling host or a plain-HTTP attacker cannot plant one.
constexpr char kSessionCookieTls[] = "__Host-yuimaru_session";
constexpr char kLoginCookiePlain[] = "yuimaru_login";
constexpr char kLoginCookieTls[] = "__Host-yuimaru_login";
constexpr std::chrono::seconds kLoginTokenAge{60 * 60};
constexpr size_t kMaxFormBytes = 4096;

// Who is asking, and at which clearance they read.
struct Viewer {
  std::string user;  // roster id; empty: anonymous
  std::string name;  // display name
  std::string csrf;  // the session's CSRF token; empty: anonymous
  search::Clearance clearance = search::Clearance::kPublic;
  access::Role role = access::Role::kViewer;  // anonymous: the least
};

// No worker waits for a client (web/gate.h): the gate holds each connection until its request
// has arrived whole, so the workers only ever run handlers and write responses.
GateLimits Limits(const ServerOptions& options) {
  GateLimits l;
  l.header_timeout = options.header_timeout;
  // The gate keeps one queue of deadlines in time order: both waits are equally long.
  l.write_timeout = options.header_timeout;
  l.max_body_bytes = kMaxFormBytes;
  l.per_address = options.connections_per_address;
  l.max_connections = options.max_connections;
  if (l.max_connections <= 0) {
    // Half the descriptors; the rest are for index files (a Searcher per worker).
    rlimit files{};
    const rlim_t soft = ::getrlimit(RLIMIT_NOFILE, &files) == 0 ? files.rlim_cur : 1024;
    l.max_connections = static_cast<int>(std::clamp<rlim_t>(soft / 2, 64, 16384));
  }
  l.workers = options.threads > 0
                  ? options.threads
                  : std::max(32, 8 * static_cast<int>(std::thread::hardware_concurrency()));
  l.keep_alive_max = 100;
  return l;
}

// The address a login failure counts against: IPv4 as it is, IPv6 by its /64 (one host usually
// holds a whole /64, as the connection gate also counts).
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

// Where a document's file lies is the operator's business: readers below 事務局 get no path
// (the index keeps it as given to `yuimaru index`, often the server's absolute path).
bool MaySeePaths(const Viewer& v) { return v.role >= access::Role::kSecretariat; }

std::string PathWithQuery(const httplib::Request& req) {
  std::string target = req.target.empty() ? req.path : req.target;
  return target;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<httplib::Server> http_owner;
  httplib::Server& http = *http_owner;
  std::mutex mu;
  SessionStore sessions{options.idle_timeout, options.absolute_timeout};
  LoginThrottle account_throttle{options.login_failures_per_account, options.login_window};
  LoginThrottle address_throttle{options.login_failures_per_address, options.login_window};
  std::counting_semaphore<> password_checks{4};
  // Signs the login form's tokens; new at every start, so a restart only voids open forms.
  const std::string login_secret = access::RandomHex(32);
  std::unique_ptr<access::AuditLog> audit;
  std::mutex roster_mu;
  access::Roster roster;
  std::optional<std::string> roster_bytes;  // the file as last read; nullopt: none

  Impl(ServerOptions o, std::unique_ptr<httplib::Server> h)
      : options(std::move(o)), http_owner(std::move(h)) {
    if (!options.audit.empty())
      audit = std::make_unique<access::AuditLog>(options.audit, options.audit_key);
  }

  // The time of day for sessions, throttling, login tokens and audit stamps (tests set a clock).
  Clock::time_point Now() const { return options.clock ? options.clock() : Clock::now(); }

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

  // Records an action before it is answered. Fails (kBusy, "audit.unavailable", 503) when the
  // entry cannot be written: the caller refuses the action, so nothing is served unrecorded.
  Status Audit(const Viewer& v, const httplib::Request& req, const std::string& action,
               std::vector<std::pair<std::string, std::string>> fields) {
    if (!audit) return Status::Ok();
    access::AuditEvent e{action, v.user.empty() ? "(anonymous)" : v.user, req.remote_addr,
                         std::move(fields)};
    e.fields.emplace_back("clearance", std::string(core::ClearanceLabel(v.clearance)));
    if (Status s = audit->Append(e, Now()); !s) {
      std::fprintf(stderr, "yuimaru serve: %s\n", s.error().ToString().c_str());
      return AuditUnavailable();
    }
    return Status::Ok();
  }

  static Error AuditUnavailable() {
    return MakeError(ErrorCode::kBusy, kAuditUnavailable,
                     "監査ログに記録できないため、この操作は受け付けられません。管理者に連絡して"
                     "ください。");
  }

  // Whether the server can do its work: the audit trail can be appended to.
  Status Health() const {
    if (!audit) return Status::Ok();
    return audit->Check();
  }

  // GET /healthz, without a session: 200 {"status":"ok"}, or 503 with a reason that names no
  // file (the operator finds the details in the server's log and with yuimaru audit verify).
  void HealthRoute(const httplib::Request&, httplib::Response& res) {
    if (Status s = Health(); !s) {
      std::fprintf(stderr, "yuimaru serve: %s\n", s.error().ToString().c_str());
      res.status = 503;
      // A fixed text (no quotes to escape), so no JSON library is needed here.
      res.set_content(
          "{\"status\":\"error\",\"reason\":\"監査ログが壊れているか書けないため、ログイン・検索・"
          "閲覧を止めています（yuimaru audit verify / yuimaru audit repair）\"}",
          "application/json; charset=utf-8");
      return;
    }
    res.set_content("{\"status\":\"ok\"}", "application/json; charset=utf-8");
  }

  // The signed-in user of a request, or the anonymous reader when that is allowed.
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

  // No session: pages go to the login form and come back; the API answers 401.
  void Unauthorized(const httplib::Request& req, httplib::Response& res) {
    if (IsApi(req)) {
      res.status = 401;
      res.set_content(search::ErrorJson(MakeError(ErrorCode::kInvalidInput, "auth.required",
                                                  "ログインが必要です")),
                      "application/json; charset=utf-8");
      return;
    }
    res.status = 303;
    res.set_header("Location", "/login?next=" + UrlEncode(SafeNextUrl(PathWithQuery(req))));
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

  void LoginGet(const httplib::Request& req, httplib::Response& res) {
    LoginPage(req, res, 200, "", "", req.get_param_value("next"));
  }

  void LoginPost(const httplib::Request& req, httplib::Response& res) {
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
      if (Status a = Audit(attempted, req, "login-throttled", {}); !a) {
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
      if (Status a = Audit(attempted, req, "login-failed", {}); !a) {
        return LoginPage(req, res, 503, a.error().message, id, next);
      }
      return LoginPage(req, res, 401, "ID またはパスワードが違います。", id, next);
    }
    address_throttle.Forgive(address_key, now);
    account_throttle.Succeeded(account_key);
    Viewer v{user->id, user->name, "", std::min(user->clearance, options.clearance)};
    if (Status a = Audit(v, req, "login", {}); !a) {
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

  void LogoutPost(const httplib::Request& req, httplib::Response& res) {
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
    if (Status a = Audit(v, req, "logout", {}); !a) {
      res.status = 503;
      res.set_content(RenderErrorPage(Context(Viewer{}), 503, a.error().message),
                      "text/html; charset=utf-8");
      return;
    }
    res.status = 303;
    res.set_header("Location", "/login");
  }
  std::vector<std::unique_ptr<search::Searcher>> idle;  // one per concurrent request

  // A Searcher for this request, on the newest index generation.
  Result<std::unique_ptr<search::Searcher>> Acquire() {
    std::unique_ptr<search::Searcher> s;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        s = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!s) {
      auto opened = search::Searcher::Open(options.db);
      if (!opened) return opened.error();
      s = std::make_unique<search::Searcher>(std::move(*opened));
    } else if (s->Stale()) {
      if (auto st = s->Reopen(); !st) return st.error();
    }
    return s;
  }
  void Release(std::unique_ptr<search::Searcher> s) {
    if (s->Stale()) return;  // closed now: an old generation's files are not kept open idle
    std::lock_guard<std::mutex> lock(mu);
    idle.push_back(std::move(s));
  }

  // Watches CURRENT. When a generation is published (index, purge), idle Searchers of the old
  // one are closed and the text cache emptied at once, not at some later search: a purge waits
  // for its erased generation to leave every server (indexer::WaitForOldGenerationHolders).
  static constexpr std::chrono::milliseconds kGenerationPoll{250};
  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool watch_stop = false;
  std::thread watcher;

  void StartWatcher() {
    auto first = core::ResolveCurrentGeneration(options.db);
    watcher = std::thread([this, current = first ? *first : std::filesystem::path()]() mutable {
      std::unique_lock<std::mutex> lock(watch_mu);
      while (!watch_cv.wait_for(lock, kGenerationPoll, [this] { return watch_stop; })) {
        auto now = core::ResolveCurrentGeneration(options.db);
        if (!now || *now == current) continue;
        current = *now;
        DropOldGeneration();
      }
    });
  }

  void DropOldGeneration() {
    std::vector<std::unique_ptr<search::Searcher>> old;
    {
      std::lock_guard<std::mutex> lock(mu);
      old.swap(idle);
    }
    old.clear();  // closes their databases; the next requests open the new generation
    search::ClearTextCache();
  }

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(watch_mu);
      watch_stop = true;
    }
    watch_cv.notify_all();
    if (watcher.joinable()) watcher.join();
  }

  void SendError(const httplib::Request& req, httplib::Response& res, const Error& e,
                 const Viewer& v = Viewer{}) {
    res.status = StatusOf(e);
    if (IsApi(req)) {
      res.set_content(search::ErrorJson(PublicError(e)), "application/json; charset=utf-8");
    } else {
      res.set_content(RenderErrorPage(Context(v), res.status, PublicMessage(e)),
                      "text/html; charset=utf-8");
    }
  }

  // Runs `f` with the request's viewer and a Searcher; no session → login (or 401); errors
  // become 4xx/5xx pages or JSON.
  template <typename F>
  void WithSearcher(const httplib::Request& req, httplib::Response& res, F&& f) {
    const std::optional<Viewer> viewer = Authenticate(req);
    if (!viewer) return Unauthorized(req, res);
    auto s = Acquire();
    if (!s) return SendError(req, res, s.error(), *viewer);
    Status status = f(*viewer, **s);
    Release(std::move(*s));
    if (!status) SendError(req, res, status.error(), *viewer);
  }

  // Queries are logged with pattern PII masked (a phone number typed into the search box does
  // not end up in the trail in clear).
  static std::string LoggedQuery(const std::string& q) { return core::RedactPii(q, {}); }

  void SearchPageRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](const Viewer& v, search::Searcher& s) -> Status {
      auto state = ParseSearchState(Params(req));
      if (!state) return state.error();
      auto view = s.View(v.clearance);
      if (!view) return view.error();
      auto request = ToRequest(*state);
      // Browsing without words: newest first (the state, and so the links, keep "relevance").
      if (state->q.empty() && state->sort.empty()) request.sort = search::SortOrder::kNewest;
      auto r = view->Run(request);
      if (!r) return r.error();
      SearchPage page{*state, std::move(*r), {}};
      if (page.response.hits.empty()) {
        // Which filter to drop: the same search without each one, counted.
        for (const auto& [k, value] : state->filters) {
          auto req2 = ToRequest(state->WithoutFilter(k, value));
          req2.limit = 0;
          req2.snippets = search::SnippetMode::kSkip;
          auto r2 = view->Run(req2);
          if (r2 && r2->total > 0) {
            const core::FieldDef* f = core::FindField(k);
            page.dropped.push_back(
                {k, value, (f ? std::string(f->label) : k) + ": " + value, r2->total});
          }
        }
      }
      if (Status a = Audit(
              v, req, "search",
              {{"query", LoggedQuery(state->q)}, {"results", std::to_string(page.response.total)}});
          !a) {
        return a;
      }
      res.set_content(RenderSearchPage(Context(v), page), "text/html; charset=utf-8");
      return Status::Ok();
    });
  }

  void DocumentRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](const Viewer& v, search::Searcher& s) -> Status {
      for (const auto& [k, v] : req.params) {
        if (k != "back")
          return MakeError(ErrorCode::kInvalidInput, "param.unknown",
                           "不明なパラメータ「" + k + "」です");
      }
      const std::string id = req.matches[1];
      auto view = s.View(v.clearance);
      if (!view) return view.error();
      auto doc = view->Document(id);
      if (!doc) return doc.error();
      auto related = view->Related(id, 6);
      DocumentPage page{std::move(*doc),
                        related ? std::move(*related) : std::vector<search::RelatedDoc>(),
                        SafeBackUrl(req.get_param_value("back"))};
      if (Status a = Audit(v, req, "view", {{"doc", id}}); !a) return a;
      res.set_content(RenderDocumentPage(Context(v), page), "text/html; charset=utf-8");
      return Status::Ok();
    });
  }

  void DashboardRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](const Viewer& v, search::Searcher& s) -> Status {
      if (!req.params.empty())
        return MakeError(ErrorCode::kInvalidInput, "param.unknown", "パラメータは使えません");
      auto view = s.View(v.clearance);
      if (!view) return view.error();
      auto stats = view->Stats();
      if (!stats) return stats.error();
      if (Status a = Audit(v, req, "dashboard", {}); !a) return a;
      res.set_content(RenderDashboard(Context(v), *stats), "text/html; charset=utf-8");
      return Status::Ok();
    });
  }

  void ApiSearchRoute(const httplib::Request& req, httplib::Response& res, bool facets_only) {
    WithSearcher(req, res, [&](const Viewer& v, search::Searcher& s) -> Status {
      auto state = ParseSearchState(Params(req));
      if (!state) return state.error();
      auto view = s.View(v.clearance);
      if (!view) return view.error();
      auto request = ToRequest(*state);
      if (facets_only) {
        request.limit = 0;
        request.snippets = search::SnippetMode::kSkip;
      }
      auto r = view->Run(request);
      if (!r) return r.error();
      if (!MaySeePaths(v)) {
        for (search::Hit& h : r->hits) h.path.clear();
      }
      if (Status a =
              Audit(v, req, facets_only ? "api-facets" : "api-search",
                    {{"query", LoggedQuery(state->q)}, {"results", std::to_string(r->total)}});
          !a) {
        return a;
      }
      res.set_content(search::SearchResponseJson(*r, state->q), "application/json; charset=utf-8");
      return Status::Ok();
    });
  }

  void ApiDocRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](const Viewer& v, search::Searcher& s) -> Status {
      const std::string id = req.matches[1];
      auto view = s.View(v.clearance);
      if (!view) return view.error();
      auto doc = view->Document(id);
      if (!doc) return doc.error();
      auto related = view->Related(id, 6);
      if (!MaySeePaths(v)) doc->path.clear();
      if (Status a = Audit(v, req, "api-view", {{"doc", id}}); !a) return a;
      res.set_content(
          search::DocumentJson(*doc, related ? *related : std::vector<search::RelatedDoc>()),
          "application/json; charset=utf-8");
      return Status::Ok();
    });
  }

  void ApiRelatedRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](const Viewer& v, search::Searcher& s) -> Status {
      const std::string id = req.matches[1];
      int limit = 10;
      if (req.has_param("limit")) {
        const std::string v = req.get_param_value("limit");
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 1 || n > 50) {
          return MakeError(ErrorCode::kInvalidInput, "param.limit", "limit は 1〜50 の整数です");
        }
        limit = static_cast<int>(n);
      }
      auto view = s.View(v.clearance);
      if (!view) return view.error();
      auto related = view->Related(id, static_cast<size_t>(limit));
      if (!related) return related.error();
      // Titles of the reader's own view, but a read all the same: recorded, or refused.
      if (Status a = Audit(v, req, "api-related", {{"doc", id}}); !a) return a;
      res.set_content(search::RelatedJson(id, *related), "application/json; charset=utf-8");
      return Status::Ok();
    });
  }

  void Routes() {
    http.set_tcp_nodelay(true);                  // else every response waits ~40 ms (Nagle)
    http.set_payload_max_length(kMaxFormBytes);  // login/logout forms only; see below
    http.set_default_headers(SecurityHeaders());
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      using Handled = httplib::Server::HandlerResponse;
      const bool form_post =
          req.method == "POST" && (req.path == "/login" || req.path == "/logout");
      // 0.11.4's payload limit does not cover chunked bodies: refuse them, and any body but a
      // small login or logout form. Headers only here: the body is not read yet.
      const std::string length = req.get_header_value("Content-Length");
      const bool has_body = req.has_header("Transfer-Encoding") ||
                            (req.has_header("Content-Length") && length != "0");
      if (has_body && (!form_post || req.has_header("Transfer-Encoding") || length.size() > 5 ||
                       std::strtoul(length.c_str(), nullptr, 10) > kMaxFormBytes)) {
        SendError(
            req, res,
            MakeError(ErrorCode::kInvalidInput, "request.body", "リクエスト本文は受け付けません"));
        res.status = 413;
        // The body is left unread: the connection must end here, or its bytes would be read
        // as the next request (request smuggling behind a proxy that reuses connections).
        res.set_header("Connection", "close");
        return Handled::Handled;
      }
      if (req.method != "GET" && req.method != "HEAD" && !form_post) {
        SendError(req, res,
                  MakeError(ErrorCode::kInvalidInput, "request.method", "この操作はできません"));
        res.status = 405;
        res.set_header("Allow", req.path == "/login" ? "GET, HEAD, POST" : "GET, HEAD");
        return Handled::Handled;
      }
      if (form_post &&
          req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
        SendError(req, res,
                  MakeError(ErrorCode::kInvalidInput, "request.content-type",
                            "フォームの形式が違います"));
        res.status = 415;
        return Handled::Handled;
      }
      return Handled::Unhandled;
    });
    // Pages and API answers depend on who asks: never stored by a browser or a proxy.
    http.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (req.path.rfind("/static/", 0) != 0) res.set_header("Cache-Control", "no-store");
      // Under TLS, browsers must not fall back to plain HTTP for a year.
      if (Tls()) res.set_header("Strict-Transport-Security", "max-age=31536000");
    });
    http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (res.status == 404 && res.body.empty()) {
        SendError(req, res,
                  MakeError(ErrorCode::kNotFound, "route.not-found", "ページが見つかりません"));
      }
    });
    // Last resort: a plain 500 (0.11.4 would otherwise put e.what() into a header).
    http.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
          std::fprintf(stderr, "yuimaru serve: internal error on %s\n", req.path.c_str());
          SendError(req, res, MakeError(ErrorCode::kInternal, "server.error", "internal"));
        });
    http.Get("/healthz",
             [this](const httplib::Request& q, httplib::Response& r) { HealthRoute(q, r); });
    http.Get("/login", [this](const httplib::Request& q, httplib::Response& r) { LoginGet(q, r); });
    http.Post("/login",
              [this](const httplib::Request& q, httplib::Response& r) { LoginPost(q, r); });
    http.Post("/logout",
              [this](const httplib::Request& q, httplib::Response& r) { LogoutPost(q, r); });
    http.Get("/",
             [this](const httplib::Request& q, httplib::Response& r) { SearchPageRoute(q, r); });
    http.Get("/search",
             [this](const httplib::Request& q, httplib::Response& r) { SearchPageRoute(q, r); });
    http.Get(R"(/doc/([^/]+))",
             [this](const httplib::Request& q, httplib::Response& r) { DocumentRoute(q, r); });
    http.Get("/dashboard",
             [this](const httplib::Request& q, httplib::Response& r) { DashboardRoute(q, r); });
    http.Get("/api/search", [this](const httplib::Request& q, httplib::Response& r) {
      ApiSearchRoute(q, r, false);
    });
    http.Get("/api/facets", [this](const httplib::Request& q, httplib::Response& r) {
      ApiSearchRoute(q, r, true);
    });
    http.Get(R"(/api/doc/([^/]+))",
             [this](const httplib::Request& q, httplib::Response& r) { ApiDocRoute(q, r); });
    http.Get(R"(/api/related/([^/]+))",
             [this](const httplib::Request& q, httplib::Response& r) { ApiRelatedRoute(q, r); });
    http.Get(R"(/static/([a-z.]+))", [](const httplib::Request& q, httplib::Response& r) {
      const Asset* a = FindAsset(q.matches[1].str());
      if (!a) {
        r.status = 404;
        return;
      }
      r.set_content(std::string(a->body), std::string(a->content_type));
      r.set_header("Cache-Control", "public, max-age=3600");
    });
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  auto probe = search::Searcher::Open(options.db);
  if (!probe) return probe.error();
  if (options.users.empty() && !options.allow_anonymous) {
    return MakeError(ErrorCode::kInvalidInput, "serve.no-users",
                     "利用者名簿（--users）がなく、匿名閲覧（--allow-anonymous）も無効です");
  }
  if (!options.users.empty()) {
    auto roster = access::Roster::Load(options.users);
    if (!roster) return roster.error();
    const bool anyone = std::any_of(roster->users().begin(), roster->users().end(),
                                    [](const access::User& u) { return !u.disabled; });
    if (!anyone && !options.allow_anonymous) {
      return MakeError(ErrorCode::kInvalidInput, "serve.no-users",
                       "利用者名簿 " + options.users.string() +
                           " に有効な利用者がいません（yuimaru user add で登録してください）");
    }
  }
  const GateLimits limits = Limits(options);
  std::unique_ptr<httplib::Server> http;
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return MakeError(ErrorCode::kInvalidInput, "serve.tls",
                     "--tls-cert と --tls-key は両方指定してください");
  }
  if (!options.tls_cert.empty()) {
    auto tls = std::make_unique<Gated<httplib::SSLServer>>(limits, options.tls_cert.c_str(),
                                                           options.tls_key.c_str());
    if (!tls->is_valid()) {
      return MakeError(ErrorCode::kInvalidInput, "serve.tls",
                       "TLS の証明書または秘密鍵を読めません: " + options.tls_cert.string());
    }
    SSL_CTX_set_min_proto_version(tls->ssl_context(), TLS1_2_VERSION);
    http = std::move(tls);
  } else {
    http = std::make_unique<Gated<httplib::Server>>(limits);
  }
  auto impl = std::make_unique<Impl>(options, std::move(http));
  impl->idle.push_back(std::make_unique<search::Searcher>(std::move(*probe)));
  impl->Routes();
  impl->StartWatcher();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::Bind() {
  const int port = impl_->options.port == 0
                       ? impl_->http.bind_to_any_port(impl_->options.bind)
                       : (impl_->http.bind_to_port(impl_->options.bind, impl_->options.port)
                              ? impl_->options.port
                              : -1);
  if (port < 0) {
    return MakeError(
        ErrorCode::kIo, "server.bind",
        impl_->options.bind + ":" + std::to_string(impl_->options.port) + " で待ち受けできません");
  }
  return port;
}

Status Server::Listen() {
  if (!impl_->http.listen_after_bind()) {
    return MakeError(ErrorCode::kIo, "server.listen", "待ち受けを開始できません");
  }
  return Status::Ok();
}

void Server::Stop() { impl_->http.stop(); }

Status Server::Health() const { return impl_->Health(); }

bool Server::IsRunning() const { return impl_->http.is_running(); }

}  // namespace yuimaru::web
