// yuimaru's web front end: server-rendered search pages for consultants and trainers, the
// document page, the dashboard and a JSON API, on cpp-httplib. Start here: Server::Create, then
// Bind and Listen (Stop ends it). Depends on search/ and access/ (roster, audit trail).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "search/search.h"

namespace yuimaru::web {

struct ServerOptions {
  std::filesystem::path db;
  // Other indexes searched with db's (search::ShardSet: other regions, remote shards).
  search::ShardSet shards;
  std::string bind = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0: any free port (see Bind)
  // Workers: each serves one whole request at a time (a connection waiting for its request, or
  // idle between keep-alive requests, holds none). A Searcher is opened per busy worker.
  int threads = 0;  // 0: 2 per core, at least 4
  // Slow and idle clients (docs/security.md): the total time a connection has to send a whole
  // request (header block and form body, TLS handshake included), from accept or from the end
  // of the previous response; not restarted by each line. Then it is closed.
  std::chrono::milliseconds header_timeout{10'000};
  // Open connections from one IPv4 address or IPv6 /64; further ones are closed at once.
  int connections_per_address = 64;
  // Open connections in all; at the cap the one that has waited longest for its request is
  // closed. 0: half of RLIMIT_NOFILE (between 64 and 16384).
  int max_connections = 0;
  // The highest clearance this server serves: a signed-in user reads at the lower of this and
  // their roster clearance (a public kiosk can be capped at 公開 whatever the users hold).
  search::Clearance clearance = search::Clearance::kConfidential;
  // The handler roster (access::Roster); users sign in at /login. Re-read when the file
  // changes, so `yuimaru user disable` ends that user's sessions at their next request.
  std::filesystem::path users;
  // The audit trail (access::AuditLog): logins, failed logins, logouts, searches with their
  // result counts, document views. Empty: none (tests and benchmarks only).
  std::filesystem::path audit;
  // The key of a keyed (HMAC-SHA256) audit chain, the bytes of a file kept off the DB directory
  // (access::LoadAuditKey); empty: an unkeyed SHA-256 chain.
  std::string audit_key;
  // Without signing in, read at 公開 only. Off: every page but /login needs a session.
  bool allow_anonymous = false;
  // Serve HTTPS only (TLS 1.2 or newer) with this PEM certificate chain and key.
  std::filesystem::path tls_cert, tls_key;
  // The time of day the server reads for sessions, throttling, login tokens and audit stamps;
  // empty: the system clock. Tests pass one they move, so that no test waits for real time.
  std::function<std::chrono::system_clock::time_point()> clock;
  // The tools of a 研修 pack's Word and PDF downloads (toolkit/pack.h); empty: found on PATH.
  // A download in a format whose tool is missing is refused with a message that says so.
  std::string pandoc;
  std::string chromium;
  // Word and PDF downloads that may run their tool at once; a download beyond it is refused
  // with 503 and Retry-After (each chromium run takes hundreds of MB). 0 refuses them all.
  int max_tool_runs = 2;
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{8 * 60 * 60};
  int login_failures_per_account = 5;   // within login_window, then refused (429)
  int login_failures_per_address = 20;  // within login_window, then refused (429)
  std::chrono::seconds login_window{15 * 60};
};

class Server {
 public:
  // Checks that the index can be opened. Fails with kNotFound if there is none.
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options);
  ~Server();

  // Binds the listening socket; returns the port (the chosen one when options.port is 0).
  // Fails with kIo if the address is taken.
  Result<int> Bind();
  // Serves until Stop() is called (from another thread or a signal handler's thread).
  Status Listen();
  void Stop();
  bool IsRunning() const;
  // Whether the server can do its work now, as GET /healthz answers: Ok, or the reason (today:
  // the audit trail cannot be appended to, "audit.chain-broken" / "audit.open"; searches,
  // views and logins are refused with 503 until `yuimaru audit repair`). Thread-safe.
  Status Health() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace yuimaru::web
