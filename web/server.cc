// The HTTP side of the web front end (cpp-httplib): request guards, the route table's handlers
// (web/routes.h), the audit line of each read, headers, the pool of Searchers. Signing in and
// out: web/auth.cc.
#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>
#include <vector>

#include "access/access.h"
#include "core/fiscal_year.h"
#include "core/followups.h"
#include "core/html.h"
#include "core/index_layout.h"
#include "core/io.h"
#include "core/pii.h"
#include "core/report_output.h"
#include "core/schema.h"
#include "search/json.h"
#include "toolkit/pack.h"
#include "web/assets.h"
#include "web/auth.h"
#include "web/gate.h"
#include "web/pack_basket.h"
#include "web/params.h"
#include "web/render.h"
#include "web/routes.h"
#include "web/session.h"
#include "web/tool_slots.h"
#include "web/web.h"

namespace yuimaru::web {

using core::UrlEncode;
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

// A state-changing post without its session's token (web/auth CheckFormToken): 403.
constexpr char kCsrfRule[] = "request.csrf";

// Answers computed from every record of a view — the 実績報告 and the follow-up list read all of
// them, about 0.6 s at 10,000 documents — kept by generation and request, so that a click on the
// dashboard is answered from memory until an index or purge publishes a new generation. An entry
// of an older generation is never answered; Clear (at a new generation) and the first request of
// a newer one drop them, so a purged firm's ids do not stay. Thread-safe.
template <typename T>
class FigureCache {
 public:
  std::shared_ptr<const T> Get(uint64_t generation, const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    Advance(generation);
    auto it = entries_.find(key);
    return it == entries_.end() || generation != newest_ ? nullptr : it->second;
  }
  void Put(uint64_t generation, const std::string& key, std::shared_ptr<const T> value) {
    std::lock_guard<std::mutex> lock(mu_);
    Advance(generation);
    if (generation != newest_) return;  // computed on a generation already replaced
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_[key] = std::move(value);
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.clear();
  }

 private:
  static constexpr size_t kMaxEntries = 64;
  void Advance(uint64_t generation) {
    if (generation > newest_) {
      entries_.clear();
      newest_ = generation;
    }
  }
  std::mutex mu_;
  uint64_t newest_ = 0;
  std::map<std::string, std::shared_ptr<const T>> entries_;
};

// A download's header: the name as given (RFC 6266 filename*), and an ASCII stand-in with the
// same extension for clients that read only filename=.
std::string ContentDisposition(const std::string& name) {
  const bool ascii = std::all_of(name.begin(), name.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  const std::size_t dot = name.rfind('.');
  const std::string fallback =
      ascii ? name : "download" + (dot == std::string::npos ? std::string() : name.substr(dot));
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + UrlEncode(name);
}

int StatusOf(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kBusy:
      return 503;
    case ErrorCode::kForbidden:
      return 403;
    default:
      return 500;
  }
}

constexpr char kAuditUnavailable[] = "audit.unavailable";
// A Word or PDF download refused because every tool slot is in use (ToolSlots): 503 with
// Retry-After.
constexpr char kToolsBusy[] = "server.busy";
constexpr int kToolsBusyRetrySeconds = 30;
// A Word or PDF download whose tool this server lacks: 503; the tool's reason goes to the log.
constexpr char kToolMissing[] = "pack.tool-missing";

// Refusals whose fixed Japanese text is written for the user (and names no file).
bool IsPublicRefusal(const Error& e) {
  return e.rule == kAuditUnavailable || e.rule == kToolsBusy || e.rule == kToolMissing;
}

// What a user may read of an error: the rule and message of input errors and of the refusals
// above; nothing internal.
std::string PublicMessage(const Error& e) {
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound ||
      e.code == ErrorCode::kForbidden || IsPublicRefusal(e)) {
    return e.message;
  }
  return "検索できませんでした。しばらくしてからもう一度お試しください。";
}

Error PublicError(const Error& e) {
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound ||
      e.code == ErrorCode::kForbidden || IsPublicRefusal(e)) {
    return e;
  }
  return MakeError(e.code, "server.error", PublicMessage(e));
}

std::multimap<std::string, std::string> Params(const httplib::Request& req) {
  return std::multimap<std::string, std::string>(req.params.begin(), req.params.end());
}

bool IsApi(const httplib::Request& req) { return req.path.rfind("/api/", 0) == 0; }

constexpr size_t kMaxFormBytes = 4096;

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
  // Workers only compute (the gate does the waiting): more than a few per core only share the
  // cores among more requests at once, and the slow ones then finish later. bench/RESULTS.md
  // (10,000 documents, 2 cores, 64 connections): p99 134 ms with 2 workers, 147 with 4, 183 with
  // 8, 390 with 32, at about the same requests/s.
  l.workers = options.threads > 0
                  ? options.threads
                  : std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  l.keep_alive_max = 100;
  return l;
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
  std::unique_ptr<access::AuditLog> audit;
  BasketStore baskets{options.db / core::kPackBasketsDir};
  ToolSlots tool_slots{options.max_tool_runs};
  Auth auth{options, [this] { return Now(); },
            [this](const Viewer& v, const httplib::Request& req, const std::string& action) {
              return Audit(v, req, action, {});
            }};

  Impl(ServerOptions o, std::unique_ptr<httplib::Server> h)
      : options(std::move(o)), http_owner(std::move(h)) {
    if (!options.audit.empty())
      audit = std::make_unique<access::AuditLog>(options.audit, options.audit_key);
  }

  // The time of day for sessions, throttling, login tokens and audit stamps (tests set a clock).
  Clock::time_point Now() const { return options.clock ? options.clock() : Clock::now(); }

  bool Tls() const { return !options.tls_cert.empty(); }

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

  static void StaticRoute(const httplib::Request& req, httplib::Response& res) {
    const Asset* a = FindAsset(req.matches[1].str());
    if (!a) {
      res.status = 404;
      return;
    }
    res.set_content(std::string(a->body), std::string(a->content_type));
    res.set_header("Cache-Control", "public, max-age=3600");
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

  std::mutex mu;
  std::vector<std::unique_ptr<search::Searcher>> idle;  // one per concurrent request
  FigureCache<core::Report> reports;
  FigureCache<core::Followups> followups;

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
      auto opened = search::Searcher::Open(options.db, options.shards);
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

  // The current generation of --db and of each other local index (--shard DIR): a change in
  // any of them is a new generation of what this server searches.
  std::vector<std::filesystem::path> CurrentGenerations() const {
    std::vector<std::filesystem::path> dirs = {options.db};
    dirs.insert(dirs.end(), options.shards.local.begin(), options.shards.local.end());
    std::vector<std::filesystem::path> out;
    for (const auto& dir : dirs) {
      auto gen = core::ResolveCurrentGeneration(dir);
      out.push_back(gen ? *gen : std::filesystem::path());
    }
    return out;
  }

  void StartWatcher() {
    watcher = std::thread([this, current = CurrentGenerations()]() mutable {
      std::unique_lock<std::mutex> lock(watch_mu);
      while (!watch_cv.wait_for(lock, kGenerationPoll, [this] { return watch_stop; })) {
        auto now = CurrentGenerations();
        // A folder without a generation (being rebuilt from nothing) changes nothing yet.
        bool changed = false;
        for (size_t i = 0; i < now.size(); ++i) {
          if (!now[i].empty() && now[i] != current[i]) {
            current[i] = now[i];
            changed = true;
          }
        }
        if (changed) DropOldGeneration();
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
    reports.Clear();
    followups.Clear();
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
    if (e.rule == kToolsBusy) res.set_header("Retry-After", std::to_string(kToolsBusyRetrySeconds));
    if (IsApi(req)) {
      res.set_content(search::ErrorJson(PublicError(e)), "application/json; charset=utf-8");
    } else {
      res.set_content(RenderErrorPage(auth.Context(v), res.status, PublicMessage(e)),
                      "text/html; charset=utf-8");
    }
  }

  // What a reader route answers, and the fields of its audit line (the route's action).
  struct Answer {
    std::string body;
    const char* content_type;
    std::vector<std::pair<std::string, std::string>> audit;
    std::string location;  // set: a 303 to this path of ours (after a form post)
    std::string filename;  // set: a download (Content-Disposition: attachment)
  };
  static Answer Html(std::string body, std::vector<std::pair<std::string, std::string>> audit) {
    return {std::move(body), "text/html; charset=utf-8", std::move(audit), "", ""};
  }
  static Answer Json(std::string body, std::vector<std::pair<std::string, std::string>> audit) {
    return {std::move(body), "application/json; charset=utf-8", std::move(audit), "", ""};
  }

  // The audit line of a route that changes something (a POST: the pack basket), written by its
  // handler just before it makes the change: a trail must never miss a change, so a change
  // whose line cannot be written is not made (503). Serve writes the line of every other
  // answer, and of a change route's answer that wrote none (a refusal, nothing changed).
  class ChangeRecord {
   public:
    ChangeRecord(Impl& impl, const Viewer& v, const httplib::Request& req, std::string_view action)
        : impl_(impl), viewer_(v), req_(req), action_(action) {}
    // Writes the line; the change may be made only when this succeeds.
    Status Write(std::vector<std::pair<std::string, std::string>> fields) {
      written_ = true;
      return impl_.Audit(viewer_, req_, std::string(action_), std::move(fields));
    }
    bool written() const { return written_; }

   private:
    Impl& impl_;
    const Viewer& viewer_;
    const httplib::Request& req_;
    std::string_view action_;
    bool written_ = false;
  };

  // A reader route, as its row in web/routes.h says: the viewer (no session → login or 401),
  // a Searcher, the parameters the route takes, its handler, then its audit line — written
  // before anything is sent (for a change, before it is made: ChangeRecord), or the answer is
  // refused (503). Errors become 4xx/5xx pages or JSON.
  void Serve(const Route& route, const httplib::Request& req, httplib::Response& res) {
    const std::optional<Viewer> viewer = auth.Authenticate(req);
    if (!viewer) return Unauthorized(req, res);
    auto s = Acquire();
    if (!s) return SendError(req, res, s.error(), *viewer);
    // The reader's view: every handler reads through it and cannot ask for another clearance.
    Result<Answer> answer = Answer{};
    ChangeRecord record(*this, *viewer, req, route.audit);
    if (Status p = CheckParams(route, Params(req)); !p) {
      answer = p.error();
    } else if (route.Changes() && !auth.CheckFormToken(*viewer, req)) {
      answer = MakeError(ErrorCode::kForbidden, kCsrfRule,
                         "この操作は受け付けられません（ページを開き直してください）。");
    } else if (auto view = (*s)->View(viewer->clearance); !view) {
      answer = view.error();
    } else {
      answer = Handle(route.id, *viewer, *view, **s, req, record);
    }
    Release(std::move(*s));
    if (answer && !record.written()) {
      if (Status a = Audit(*viewer, req, std::string(route.audit), std::move(answer->audit)); !a)
        answer = a.error();
    }
    if (!answer) return SendError(req, res, answer.error(), *viewer);
    if (!answer->location.empty()) {
      res.status = 303;
      res.set_header("Location", answer->location);
      return;
    }
    if (!answer->filename.empty()) {
      res.set_header("Content-Disposition", ContentDisposition(answer->filename));
    }
    res.set_content(std::move(answer->body), answer->content_type);
  }

  Result<Answer> Handle(RouteId id, const Viewer& v, search::SearchView& s,
                        const search::Searcher& searcher, const httplib::Request& req,
                        ChangeRecord& record) {
    switch (id) {
      case RouteId::kSearchPage:
        return SearchPageAnswer(v, s, req);
      case RouteId::kDocumentPage:
        return DocumentPageAnswer(v, s, req);
      case RouteId::kDashboard:
        return DashboardAnswer(v, s, req);
      case RouteId::kDashboardCsv:
      case RouteId::kDashboardXlsx:
      case RouteId::kApiReport:
        return ReportAnswer(id, v, s, req);
      case RouteId::kFollowups:
        return FollowupsAnswer(v, s, req);
      case RouteId::kFirmPage:
        return FirmPageAnswer(v, s, req);
      case RouteId::kApiSearch:
        return ApiSearchAnswer(v, s, req, false);
      case RouteId::kApiFacets:
        return ApiSearchAnswer(v, s, req, true);
      case RouteId::kApiDocument:
        return ApiDocumentAnswer(v, s, req);
      case RouteId::kApiRelated:
        return ApiRelatedAnswer(s, req);
      case RouteId::kPackPage:
        return PackPageAnswer(v, s);
      case RouteId::kPackAdd:
        return PackAddAnswer(v, s, req, record, PackReply::kPage);
      case RouteId::kApiPackAdd:
        return PackAddAnswer(v, s, req, record, PackReply::kJson);
      case RouteId::kPackEdit:
        return PackEditAnswer(v, req, record);
      case RouteId::kPackDownload:
        return PackDownloadAnswer(v, s, searcher, req);
      default:
        return MakeError(ErrorCode::kInternal, "server.error", "not a reader route");
    }
  }

  // Queries are logged with pattern PII masked (a phone number typed into the search box does
  // not end up in the trail in clear).
  static std::string LoggedQuery(const std::string& q) { return core::RedactPii(q, {}); }

  Result<Answer> SearchPageAnswer(const Viewer& v, search::SearchView& s,
                                  const httplib::Request& req) {
    auto state = ParseSearchState(Params(req));
    if (!state) return state.error();
    auto request = ToRequest(*state);
    // Browsing without words: newest first (the state, and so the links, keep "relevance").
    if (state->q.empty() && state->sort.empty()) request.sort = search::SortOrder::kNewest;
    auto r = s.Run(request);
    if (!r) return r.error();
    SearchPage page{*state, std::move(*r), {}};
    if (page.response.hits.empty()) {
      // Which filter to drop: the same search without each one, counted.
      for (const auto& [k, value] : state->filters) {
        auto req2 = ToRequest(state->WithoutFilter(k, value));
        req2.limit = 0;
        req2.snippets = search::SnippetMode::kSkip;
        auto r2 = s.Run(req2);
        if (r2 && r2->total > 0) {
          const core::FieldDef* f = core::FindField(k);
          page.dropped.push_back(
              {k, value, (f ? std::string(f->label) : k) + ": " + value, r2->total});
        }
      }
    }
    const uint64_t total = page.response.total;
    return Html(RenderSearchPage(auth.Context(v), page),
                {{"query", LoggedQuery(state->q)}, {"results", std::to_string(total)}});
  }

  // The document of the route's id and up to six related ones (none if they cannot be had): the
  // same for the page and the API.
  static Result<DocumentPage> ReadDocument(search::SearchView& s, const httplib::Request& req) {
    const std::string id = req.matches[1];
    auto doc = s.Document(id);
    if (!doc) return doc.error();
    auto related = s.Related(id, 6);
    return DocumentPage{std::move(*doc),
                        related ? std::move(*related) : std::vector<search::RelatedDoc>(),
                        SafeBackUrl(req.get_param_value("back"))};
  }

  Result<Answer> DocumentPageAnswer(const Viewer& v, search::SearchView& s,
                                    const httplib::Request& req) {
    auto page = ReadDocument(s, req);
    if (!page) return page.error();
    return Html(RenderDocumentPage(auth.Context(v), *page), {{"doc", req.matches[1]}});
  }

  // Today on the server's clock (local time), and its fiscal year.
  core::Date Today() const {
    const std::time_t t = Clock::to_time_t(Now());
    std::tm local{};
    localtime_r(&t, &local);
    return core::Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
  }
  int CurrentFiscalYear() const { return core::FiscalYearOf(Today()); }

  // The follow-up list of the reader's view (firms it cannot read are not in it).
  Result<Answer> FollowupsAnswer(const Viewer& v, search::SearchView& s,
                                 const httplib::Request& req) {
    core::FollowupOptions options;
    options.today = Today();
    if (req.has_param("quiet_months")) {
      const std::string text = req.get_param_value("quiet_months");
      char* end = nullptr;
      const long n = std::strtol(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || n < 1 || n > 120) {
        return MakeError(ErrorCode::kInvalidInput, "param.quiet_months",
                         "quiet_months は 1〜120 の整数です");
      }
      options.quiet_months = static_cast<int>(n);
    }
    const std::string key = std::string(core::ClearanceLabel(s.clearance())) + "\x1f" +
                            options.today.ToString() + "\x1f" +
                            std::to_string(options.quiet_months);
    std::shared_ptr<const core::Followups> f = followups.Get(s.generation(), key);
    if (!f) {
      auto records = search::ReadRecords(s, {});
      if (!records) return records.error();
      f = std::make_shared<const core::Followups>(
          core::ComputeFollowups(core::ToFirmDocs(std::move(*records)), options));
      followups.Put(s.generation(), key, f);
    }
    return Html(RenderFollowupsPage(auth.Context(v), *f, options), {});
  }

  // A firm's timeline: every document of the reader's view naming it, oldest first; 404 when the
  // view has none (a firm the reader may not read answers like one that does not exist).
  Result<Answer> FirmPageAnswer(const Viewer& v, search::SearchView& s,
                                const httplib::Request& req) {
    const std::string id = req.matches[1];
    auto records = search::ReadRecords(s, {{"company_id", id}});
    if (!records) return records.error();
    if (records->empty()) {
      return MakeError(ErrorCode::kNotFound, "firm.not-found",
                       "企業「" + id + "」の文書は見つかりません");
    }
    std::stable_sort(records->begin(), records->end(),
                     [](const core::DocRecord& a, const core::DocRecord& b) {
                       return std::tie(a.date, a.id) < std::tie(b.date, b.id);
                     });
    return Html(RenderFirmPage(auth.Context(v), id, *records), {{"firm", id}});
  }

  // The 実績報告 of the request's state over the reader's own view: a 公開 reader's figures
  // count 公開 documents only.
  Result<std::pair<ReportState, core::Report>> ReadReportOf(const search::SearchView& s,
                                                            const httplib::Request& req) {
    auto state = ParseReportState(Params(req), CurrentFiscalYear());
    if (!state) return state.error();
    std::string key = std::string(core::ClearanceLabel(s.clearance())) + "\x1f" +
                      std::to_string(state->fiscal_year) + (state->year_given ? "!" : "");
    for (const auto& [k, value] : state->filters) key += "\x1f" + k + "=" + value;
    if (auto cached = reports.Get(s.generation(), key)) {
      return std::make_pair(std::move(*state), *cached);
    }
    auto report = search::ReadReport(
        s, state->filters, state->fiscal_year,
        state->year_given ? search::YearCheck::kMustHaveDocuments : search::YearCheck::kAny);
    if (!report) return report.error();
    reports.Put(s.generation(), key, std::make_shared<const core::Report>(*report));
    return std::make_pair(std::move(*state), std::move(*report));
  }

  Result<Answer> DashboardAnswer(const Viewer& v, search::SearchView& s,
                                 const httplib::Request& req) {
    auto read = ReadReportOf(s, req);
    if (!read) return read.error();
    auto stats = s.Stats();
    if (!stats) return stats.error();
    DashboardPage page{std::move(*stats), std::move(read->first), std::move(read->second)};
    const std::string year = core::ReportYearLabel(page.report.fiscal_year);
    return Html(RenderDashboard(auth.Context(v), page), {{"fiscal_year", year}});
  }

  // The dashboard's tables as CSV or an Excel workbook (all, or the one of ?table=), and the
  // report as JSON.
  Result<Answer> ReportAnswer(RouteId id, const Viewer& v, search::SearchView& s,
                              const httplib::Request& req) {
    auto read = ReadReportOf(s, req);
    if (!read) return read.error();
    const auto& [state, report] = *read;
    const std::vector<std::pair<std::string, std::string>> audit = {
        {"fiscal_year", core::ReportYearLabel(report.fiscal_year)}};
    if (id == RouteId::kApiReport) {
      const core::ReportContext context{std::string(core::ClearanceLabel(v.clearance)),
                                        state.filters};
      return Json(core::ReportJson(report, context), audit);
    }
    std::vector<core::ReportSheet> sheets = core::ReportSheets(report);
    if (!state.table.empty()) {
      const core::ReportSheet* one = core::FindSheet(sheets, state.table);
      if (one == nullptr) {
        return MakeError(ErrorCode::kInvalidInput, "param.table",
                         "表「" + state.table + "」はありません");
      }
      sheets = {*one};
    }
    const std::string name =
        "yuimaru-report-" +
        (report.fiscal_year == core::kAllYears ? std::string("all")
                                               : std::to_string(report.fiscal_year)) +
        (state.table.empty() ? "" : "-" + state.table);
    if (id == RouteId::kDashboardCsv) {
      std::string csv =
          sheets.size() == 1 ? core::SheetCsv(sheets.front()) : core::ReportCsv(report);
      return Answer{std::move(csv), "text/csv; charset=utf-8", audit, "", name + ".csv"};
    }
    auto book = WorkbookBytes(sheets);
    if (!book) return book.error();
    return Answer{std::move(*book),
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", audit, "",
                  name + ".xlsx"};
  }

  // libxlsxwriter writes files only (in this process; no tool is run): a file in a private
  // temporary directory, read back, and removed with it.
  static Result<std::string> WorkbookBytes(const std::vector<core::ReportSheet>& sheets) {
    auto dir = core::ScopedTempDir::Create("yuimaru-report-");
    if (!dir) return dir.error();
    const std::filesystem::path path = dir->path() / "report.xlsx";
    if (Status written = core::WriteReportXlsx(sheets, path); !written) return written.error();
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  Result<Answer> ApiSearchAnswer(const Viewer& v, search::SearchView& s,
                                 const httplib::Request& req, bool facets_only) {
    auto state = ParseSearchState(Params(req));
    if (!state) return state.error();
    auto request = ToRequest(*state);
    if (facets_only) {
      request.limit = 0;
      request.snippets = search::SnippetMode::kSkip;
    }
    auto r = s.Run(request);
    if (!r) return r.error();
    if (!MaySeePaths(v)) {
      for (search::Hit& h : r->hits) h.path.clear();
    }
    return Json(search::SearchResponseJson(*r, state->q),
                {{"query", LoggedQuery(state->q)}, {"results", std::to_string(r->total)}});
  }

  Result<Answer> ApiDocumentAnswer(const Viewer& v, search::SearchView& s,
                                   const httplib::Request& req) {
    auto page = ReadDocument(s, req);
    if (!page) return page.error();
    if (!MaySeePaths(v)) page->doc.path.clear();
    return Json(search::DocumentJson(page->doc, page->related), {{"doc", req.matches[1]}});
  }

  Result<Answer> ApiRelatedAnswer(search::SearchView& s, const httplib::Request& req) {
    const std::string id = req.matches[1];
    int limit = 10;
    if (req.has_param("limit")) {
      const std::string text = req.get_param_value("limit");
      char* end = nullptr;
      const long n = std::strtol(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || n < 1 || n > 50) {
        return MakeError(ErrorCode::kInvalidInput, "param.limit", "limit は 1〜50 の整数です");
      }
      limit = static_cast<int>(n);
    }
    auto related = s.Related(id, static_cast<size_t>(limit));
    if (!related) return related.error();
    // Titles of the reader's own view, but a read all the same: recorded, or refused.
    return Json(search::RelatedJson(id, *related), {{"doc", id}});
  }

  // ---- 研修 packs (toolkit/pack.h; the basket: web/pack_basket.h) ----------------------------

  static Error BasketError(const Error& e) {
    std::fprintf(stderr, "yuimaru serve: %s\n", e.ToString().c_str());
    return MakeError(ErrorCode::kIo, "pack.basket", "パックを保存・読み込みできませんでした");
  }

  Result<Answer> PackPageAnswer(const Viewer& v, search::SearchView& s) {
    auto list = baskets.Load(v.user);
    if (!list) return BasketError(list.error());
    PackBasketPage page{*list, {}};
    for (const toolkit::PackItem& item : list->items) {
      auto record = s.Record(item.doc_id);
      page.titles.push_back(record ? record->title : std::string());
    }
    return Html(RenderPackPage(auth.Context(v), page),
                {{"items", std::to_string(page.list.items.size())}});
  }

  // The item a form names, as a line of the list format reads it (so that it is stored as it
  // will be read back), and readable by this reader: else the answer an unknown id gets.
  static Result<toolkit::PackItem> FormItem(search::SearchView& s, const httplib::Request& req) {
    const std::string doc = req.get_param_value("doc");
    const std::string section = req.get_param_value("section");
    const bool one_line = doc.find_first_of("\r\n#") == std::string::npos &&
                          section.find_first_of("\r\n") == std::string::npos;
    auto parsed = toolkit::ParsePackList(
        one_line ? doc + (section.empty() ? "" : "#" + section) : "", "form");
    if (!one_line || !parsed || parsed->items.size() != 1) {
      return MakeError(ErrorCode::kInvalidInput, "pack.item", "追加する文書 ID が正しくありません");
    }
    auto check = toolkit::BuildPack(*parsed, s, s);
    if (!check) return check.error();
    return parsed->items[0];
  }

  enum class PackReply { kPage, kJson };
  Result<Answer> PackAddAnswer(const Viewer& v, search::SearchView& s, const httplib::Request& req,
                               ChangeRecord& record, PackReply reply) {
    if (v.user.empty()) {
      return MakeError(ErrorCode::kInvalidInput, "pack.anonymous", "パックにはログインが必要です");
    }
    auto item = FormItem(s, req);
    if (!item) return item.error();
    size_t count = 0;
    Status st = baskets.Update(v.user, [&](toolkit::PackList& list) -> Status {
      // FormItem checked the item in this view; a purge may have published since.
      if (Status current = CheckGenerationIsCurrent(options.db, s.generation()); !current) {
        return current;
      }
      if (Status added = AddToBasket(list, *item); !added) return added;
      if (Status a = record.Write({{"doc", item->doc_id}, {"section", item->section}}); !a) {
        return a;
      }
      count = list.items.size();
      return Status::Ok();
    });
    if (!st) return IsBasketStoreError(st.error()) ? BasketError(st.error()) : st.error();
    if (reply == PackReply::kJson) {
      return Json("{\"ok\":true,\"items\":" + std::to_string(count) + "}", {});
    }
    Answer a = Html("", {});
    a.location = "/pack";
    return a;
  }

  static Result<size_t> IndexParam(const httplib::Request& req) {
    const std::string text = req.get_param_value("index");
    char* end = nullptr;
    const long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 0 || n > 10000) {
      return MakeError(ErrorCode::kInvalidInput, "pack.index", "その位置に資料はありません");
    }
    return static_cast<size_t>(n);
  }

  // One line of text: line breaks become spaces.
  static std::string OneLine(std::string text) {
    std::replace(text.begin(), text.end(), '\r', ' ');
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
  }

  Result<Answer> PackEditAnswer(const Viewer& v, const httplib::Request& req,
                                ChangeRecord& record) {
    if (v.user.empty()) {
      return MakeError(ErrorCode::kInvalidInput, "pack.anonymous", "パックにはログインが必要です");
    }
    const std::string op = req.get_param_value("op");
    Status st = baskets.Update(v.user, [&](toolkit::PackList& list) -> Status {
      if (op == "up" || op == "down" || op == "remove") {
        auto index = IndexParam(req);
        if (!index) return index.error();
        Status moved =
            op == "remove"
                ? RemoveFromBasket(list, *index)
                : MoveInBasket(list, *index, op == "up" ? BasketMove::kUp : BasketMove::kDown);
        if (!moved) return moved;
      } else if (op == "meta") {
        list.title = OneLine(req.get_param_value("title"));
        std::string note = req.get_param_value("note");
        note.erase(std::remove(note.begin(), note.end(), '\r'), note.end());
        list.note = note;
      } else {
        return MakeError(ErrorCode::kInvalidInput, "pack.op", "パックの操作が正しくありません");
      }
      return record.Write({{"op", op}});
    });
    if (!st) return IsBasketStoreError(st.error()) ? BasketError(st.error()) : st.error();
    Answer a = Html("", {});
    a.location = "/pack";
    return a;
  }

  static std::string UtcNow(Clock::time_point now) {
    const std::time_t t = Clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }

  // The pack of the basket, cut to the lower of the reader's clearance and the audience's, in
  // one format; recorded as action "pack" with the audience and the ids.
  Result<Answer> PackDownloadAnswer(const Viewer& v, search::SearchView& s,
                                    const search::Searcher& searcher, const httplib::Request& req) {
    const std::string audience_text =
        req.has_param("audience") ? req.get_param_value("audience") : "公開";
    const auto audience = core::ParseClearance(audience_text);
    if (!audience) {
      return MakeError(ErrorCode::kInvalidInput, "pack.audience",
                       "配布先の区分は 公開・内部・機密 のどれかです");
    }
    const std::string format = req.has_param("format") ? req.get_param_value("format") : "html";
    if (format != "html" && format != "md" && format != "docx" && format != "pdf") {
      return MakeError(ErrorCode::kInvalidInput, "pack.format",
                       "形式は html・md・docx・pdf のどれかです");
    }
    auto loaded = baskets.Load(v.user);
    if (!loaded) return BasketError(loaded.error());
    const toolkit::PackList list = std::move(*loaded);
    auto view = searcher.View(toolkit::PackClearance(v.clearance, *audience));
    if (!view) return view.error();
    auto pack = toolkit::BuildPack(list, s, *view);
    if (!pack) return pack.error();
    const std::string now = UtcNow(Now());
    std::string ids;
    for (const toolkit::PackDoc& d : pack->docs) {
      ids += (ids.empty() ? "" : ",") + d.id + (d.section.empty() ? "" : "#" + d.section);
    }
    auto body = PackBytes(*pack, now, format);
    if (!body) return body.error();
    Answer a{std::move(*body),
             "",
             {{"audience", std::string(core::ClearanceLabel(*audience))},
              {"ids", ids},
              {"format", format}},
             "",
             ""};
    const std::string title = pack->title.empty() ? "pack" : pack->title;
    if (format == "html") {
      a.content_type = "text/html; charset=utf-8";
    } else if (format == "md") {
      a.content_type = "text/markdown; charset=utf-8";
    } else if (format == "docx") {
      a.content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    } else {
      a.content_type = "application/pdf";
    }
    a.filename = title + "." + format;
    return a;
  }

  Result<std::string> PackBytes(const toolkit::Pack& pack, const std::string& now,
                                const std::string& format) {
    if (format == "html") return toolkit::RenderPackHtml(pack, now);
    if (format == "md") return toolkit::RenderPackMarkdown(pack, now);
    const bool word = format == "docx";
    const ToolSlot slot(tool_slots);
    if (!slot.held()) {
      return MakeError(ErrorCode::kBusy, kToolsBusy,
                       "ただいま混み合っています。しばらくしてから再度お試しください");
    }
    auto dir = core::ScopedTempDir::Create("yuimaru-pack-");
    if (!dir) return dir.error();
    auto out =
        toolkit::WritePack(pack, now, dir->path() / "out", options.pandoc, options.chromium,
                           word ? toolkit::PackFiles::kWordOnly : toolkit::PackFiles::kPdfOnly);
    if (!out) return out.error();
    if (!out->skipped.empty()) {
      // The reason names the tool's path or its error output: for the operator's log only.
      std::fprintf(stderr, "yuimaru serve: %s: %s: %s\n", kToolMissing,
                   out->skipped[0].first.c_str(), out->skipped[0].second.c_str());
      return MakeError(
          ErrorCode::kBusy, kToolMissing,
          std::string("この形式（") + (word ? "Word" : "PDF") + "）はこのサーバーでは作れません");
    }
    std::ifstream in(dir->path() / "out" / (word ? "pack.docx" : "pack.pdf"), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  // Request guards, before any route: no body but a small login or logout form, no method but
  // GET and HEAD (and POST where a route takes a form), forms url-encoded only.
  httplib::Server::HandlerResponse Guard(const httplib::Request& req, httplib::Response& res) {
    using Handled = httplib::Server::HandlerResponse;
    const bool form_post = req.method == "POST" && TakesFormPost(req.path);
    // 0.11.4's payload limit does not cover chunked bodies: refuse them, and any body but a
    // small login or logout form. Headers only here: the body is not read yet.
    const std::string length = req.get_header_value("Content-Length");
    const bool has_body =
        req.has_header("Transfer-Encoding") || (req.has_header("Content-Length") && length != "0");
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
      res.set_header("Allow", AllowedMethods(req.path));
      return Handled::Handled;
    }
    if (form_post &&
        req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
      SendError(
          req, res,
          MakeError(ErrorCode::kInvalidInput, "request.content-type", "フォームの形式が違います"));
      res.status = 415;
      return Handled::Handled;
    }
    return Handled::Unhandled;
  }

  void Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res) {
    switch (route.id) {
      case RouteId::kHealth:
        return HealthRoute(req, res);
      case RouteId::kLoginForm:
        return auth.LoginGet(req, res);
      case RouteId::kLogin:
        return auth.LoginPost(req, res);
      case RouteId::kLogout:
        return auth.LogoutPost(req, res);
      case RouteId::kStatic:
        return StaticRoute(req, res);
      default:
        return Serve(route, req, res);
    }
  }

  void Routes() {
    http.set_tcp_nodelay(true);                  // else every response waits ~40 ms (Nagle)
    http.set_payload_max_length(kMaxFormBytes);  // login/logout forms only; see Guard
    http.set_default_headers(SecurityHeaders());
    http.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return Guard(req, res); });
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
    for (const Route& route : web::Routes()) {
      auto handler = [this, &route](const httplib::Request& q, httplib::Response& r) {
        Dispatch(route, q, r);
      };
      if (route.method == "POST") {
        http.Post(std::string(route.pattern), handler);
      } else {
        http.Get(std::string(route.pattern), handler);
      }
    }
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  auto probe = search::Searcher::Open(options.db, options.shards);
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
