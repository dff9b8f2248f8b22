// The HTTP side of the web front end (cpp-httplib): routes, headers, the pool of Searchers.
#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "search/core/schema.h"
#include "search/json.h"
#include "web/assets.h"
#include "web/params.h"
#include "web/render.h"
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

// What a user may read of an error: the rule and message of input errors; nothing internal.
std::string PublicMessage(const Error& e) {
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound) return e.message;
  return "検索できませんでした。しばらくしてからもう一度お試しください。";
}

Error PublicError(const Error& e) {
  if (e.code == ErrorCode::kInvalidInput || e.code == ErrorCode::kNotFound) return e;
  return MakeError(e.code, "server.error", PublicMessage(e));
}

std::multimap<std::string, std::string> Params(const httplib::Request& req) {
  return std::multimap<std::string, std::string>(req.params.begin(), req.params.end());
}

bool IsApi(const httplib::Request& req) { return req.path.rfind("/api/", 0) == 0; }

}  // namespace

struct Server::Impl {
  ServerOptions options;
  httplib::Server http;
  std::mutex mu;
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
    std::lock_guard<std::mutex> lock(mu);
    idle.push_back(std::move(s));
  }

  PageContext Context() const {
    return PageContext{std::string(core::ClearanceLabel(options.clearance)), ""};
  }

  void SendError(const httplib::Request& req, httplib::Response& res, const Error& e) {
    res.status = StatusOf(e);
    if (IsApi(req)) {
      res.set_content(search::ErrorJson(PublicError(e)), "application/json; charset=utf-8");
    } else {
      res.set_content(RenderErrorPage(Context(), res.status, PublicMessage(e)),
                      "text/html; charset=utf-8");
    }
  }

  // Runs `f` with a Searcher; errors become 4xx/5xx pages or JSON.
  template <typename F>
  void WithSearcher(const httplib::Request& req, httplib::Response& res, F&& f) {
    auto s = Acquire();
    if (!s) return SendError(req, res, s.error());
    Status status = f(**s);
    Release(std::move(*s));
    if (!status) SendError(req, res, status.error());
  }

  void SearchPageRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](search::Searcher& s) -> Status {
      auto state = ParseSearchState(Params(req));
      if (!state) return state.error();
      auto request = ToRequest(*state, options.clearance);
      // Browsing without words: newest first (the state, and so the links, keep "relevance").
      if (state->q.empty() && state->sort.empty()) request.sort = search::SortOrder::kNewest;
      auto r = s.Run(request);
      if (!r) return r.error();
      SearchPage page{*state, std::move(*r), {}};
      if (page.response.hits.empty()) {
        // Which filter to drop: the same search without each one, counted.
        for (const auto& [k, v] : state->filters) {
          auto req2 = ToRequest(state->WithoutFilter(k, v), options.clearance);
          req2.limit = 0;
          req2.snippets = search::SnippetMode::kSkip;
          auto r2 = s.Run(req2);
          if (r2 && r2->total > 0) {
            const core::FieldDef* f = core::FindField(k);
            page.dropped.push_back({k, v, (f ? std::string(f->label) : k) + ": " + v, r2->total});
          }
        }
      }
      res.set_content(RenderSearchPage(Context(), page), "text/html; charset=utf-8");
      return Status::Ok();
    });
  }

  void DocumentRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](search::Searcher& s) -> Status {
      for (const auto& [k, v] : req.params) {
        if (k != "back")
          return MakeError(ErrorCode::kInvalidInput, "param.unknown",
                           "不明なパラメータ「" + k + "」です");
      }
      const std::string id = req.matches[1];
      auto doc = s.Document(id, options.clearance);
      if (!doc) return doc.error();
      auto related = s.Related(id, options.clearance, 6);
      DocumentPage page{std::move(*doc),
                        related ? std::move(*related) : std::vector<search::RelatedDoc>(),
                        SafeBackUrl(req.get_param_value("back"))};
      res.set_content(RenderDocumentPage(Context(), page), "text/html; charset=utf-8");
      return Status::Ok();
    });
  }

  void DashboardRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](search::Searcher& s) -> Status {
      if (!req.params.empty())
        return MakeError(ErrorCode::kInvalidInput, "param.unknown", "パラメータは使えません");
      auto stats = s.Stats(options.clearance);
      if (!stats) return stats.error();
      res.set_content(RenderDashboard(Context(), *stats), "text/html; charset=utf-8");
      return Status::Ok();
    });
  }

  void ApiSearchRoute(const httplib::Request& req, httplib::Response& res, bool facets_only) {
    WithSearcher(req, res, [&](search::Searcher& s) -> Status {
      auto state = ParseSearchState(Params(req));
      if (!state) return state.error();
      auto request = ToRequest(*state, options.clearance);
      if (facets_only) {
        request.limit = 0;
        request.snippets = search::SnippetMode::kSkip;
      }
      auto r = s.Run(request);
      if (!r) return r.error();
      res.set_content(search::SearchResponseJson(*r, state->q), "application/json; charset=utf-8");
      return Status::Ok();
    });
  }

  void ApiDocRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](search::Searcher& s) -> Status {
      const std::string id = req.matches[1];
      auto doc = s.Document(id, options.clearance);
      if (!doc) return doc.error();
      auto related = s.Related(id, options.clearance, 6);
      res.set_content(
          search::DocumentJson(*doc, related ? *related : std::vector<search::RelatedDoc>()),
          "application/json; charset=utf-8");
      return Status::Ok();
    });
  }

  void ApiRelatedRoute(const httplib::Request& req, httplib::Response& res) {
    WithSearcher(req, res, [&](search::Searcher& s) -> Status {
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
      auto related = s.Related(id, options.clearance, static_cast<size_t>(limit));
      if (!related) return related.error();
      res.set_content(search::RelatedJson(id, *related), "application/json; charset=utf-8");
      return Status::Ok();
    });
  }

  void Routes() {
    http.set_tcp_nodelay(true);              // else every response waits ~40 ms (Nagle)
    http.set_payload_max_length(64 * 1024);  // GET only for now; bodies are refused below
    http.set_read_timeout(10, 0);
    http.set_write_timeout(10, 0);
    http.set_keep_alive_max_count(100);
    http.set_default_headers(SecurityHeaders());
    const int threads = options.threads > 0
                            ? options.threads
                            : std::max(4, static_cast<int>(std::thread::hardware_concurrency()));
    http.new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      // 0.11.4's payload limit does not cover chunked bodies: refuse any request body here.
      if (req.has_header("Transfer-Encoding") ||
          (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0")) {
        res.status = 413;
        SendError(
            req, res,
            MakeError(ErrorCode::kInvalidInput, "request.body", "リクエスト本文は受け付けません"));
        res.status = 413;
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.method != "GET" && req.method != "HEAD") {
        SendError(req, res,
                  MakeError(ErrorCode::kInvalidInput, "request.method", "この操作はできません"));
        res.status = 405;
        res.set_header("Allow", "GET, HEAD");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
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
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->idle.push_back(std::make_unique<search::Searcher>(std::move(*probe)));
  impl->Routes();
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

bool Server::IsRunning() const { return impl_->http.is_running(); }

}  // namespace yuimaru::web
