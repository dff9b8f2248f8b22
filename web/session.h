// Signed-in sessions and login throttling for the web front end. Pure logic over an injected
// clock (no sockets), so time-outs and lock-outs are tested without waiting.
//
// A session id is 256 random bits (libsodium via access::RandomHex) handed to the browser in an
// HttpOnly, SameSite=Strict cookie; the store keeps only its SHA-256, so a memory dump of the
// server does not yield usable cookies. Each session has its own CSRF token for state-changing
// forms (logout). Idle and absolute time-outs end a session; a login always makes a new id.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace yuimaru::web {

using Clock = std::chrono::system_clock;

struct Session {
  std::string user;   // roster id
  std::string stamp;  // access::CredentialStamp of the user at login: a change ends the session
  std::string csrf;   // per-session token for forms that change state
  Clock::time_point created, last_seen;
};

class SessionStore {
 public:
  SessionStore(std::chrono::seconds idle, std::chrono::seconds absolute)
      : idle_(idle), absolute_(absolute) {}

  // A new session for `user`, whose credentials are `stamp` now; returns the cookie value (64
  // hex digits).
  std::string Create(const std::string& user, const std::string& stamp, Clock::time_point now);
  // The live session for a cookie value, its idle clock restarted; nullopt if unknown, idle
  // for longer than `idle`, or older than `absolute` (an expired session is forgotten).
  std::optional<Session> Touch(const std::string& token, Clock::time_point now);
  void Remove(const std::string& token);
  size_t size() const;

 private:
  std::chrono::seconds idle_, absolute_;
  mutable std::mutex mu_;
  std::map<std::string, Session> sessions_;  // SHA-256(token) → session
};

// Failed logins per key ("user:k07", "addr:10.0.0.5") in a sliding window; a key with `limit`
// failures inside `window` is refused until the oldest of them leaves the window.
class LoginThrottle {
 public:
  LoginThrottle(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}
  bool Allowed(const std::string& key, Clock::time_point now);
  void Failed(const std::string& key, Clock::time_point now);
  void Succeeded(const std::string& key);
  // Check and count in one step (parallel guesses cannot all pass a separate check): false if
  // `key` is at its limit; else the attempt counts as a failure at `now` until Forgive or
  // Succeeded. A full map (kMaxKeys, after pruning) refuses new keys.
  bool Attempt(const std::string& key, Clock::time_point now);
  // Like Attempt, but only for a key with no failure inside the window: an address without
  // failures may still try an account that strangers have driven to its limit.
  bool AttemptIfClean(const std::string& key, Clock::time_point now);
  void Forgive(const std::string& key, Clock::time_point when);

 private:
  bool AttemptBelow(const std::string& key, Clock::time_point now, int limit);
  static constexpr size_t kPruneAt = 10000;
  static constexpr size_t kMaxKeys = 100000;
  void PruneLocked(Clock::time_point now);
  int limit_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, std::vector<Clock::time_point>> failures_;
};

// The value of cookie `name` in a Cookie header; empty if absent or present more than once.
std::string CookieValue(const std::string& header, const std::string& name);

// Constant-time equality of two tokens (CSRF).
bool SameToken(const std::string& a, const std::string& b);

// The login form's CSRF token: a random nonce and the time, with their HMAC-SHA256 under the
// server's `secret` ("<nonce>.<unix seconds>.<mac>", hex and decimal), so a token the server
// did not issue (a self-chosen cookie and field pair) is refused.
std::string MakeLoginToken(const std::string& secret, Clock::time_point now);
// True if `token` was made by MakeLoginToken with `secret` at most `max_age` before `now`.
bool CheckLoginToken(const std::string& secret, const std::string& token, Clock::time_point now,
                     std::chrono::seconds max_age);

}  // namespace yuimaru::web
