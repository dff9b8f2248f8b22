#include "web/session.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "access/access.h"
#include "core/hex.h"
#include "core/io.h"

namespace yuimaru::web {
namespace {

std::string Digest(const std::string& token) { return core::Sha256(token); }

std::string LoginMac(const std::string& secret, const std::string& message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &len);
  return core::HexEncode(md, len);
}

}  // namespace

std::string MakeLoginToken(const std::string& secret, Clock::time_point now) {
  const std::string message =
      access::RandomHex(16) + "." +
      std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  return message + "." + LoginMac(secret, "login:" + message);
}

bool CheckLoginToken(const std::string& secret, const std::string& token, Clock::time_point now,
                     std::chrono::seconds max_age) {
  const size_t mac_at = token.rfind('.');
  if (secret.empty() || token.size() > 200 || mac_at == std::string::npos) return false;
  const std::string message = token.substr(0, mac_at);
  if (!SameToken(token.substr(mac_at + 1), LoginMac(secret, "login:" + message))) return false;
  const std::string issued = message.substr(message.find('.') + 1);
  const auto at =
      Clock::time_point(std::chrono::seconds(std::strtoll(issued.c_str(), nullptr, 10)));
  return at <= now + std::chrono::seconds(60) && now - at <= max_age;
}

std::string SessionStore::Create(const std::string& user, const std::string& stamp,
                                 Clock::time_point now) {
  const std::string token = access::RandomHex(32);
  Session s{user, stamp, access::RandomHex(32), now, now};
  std::lock_guard<std::mutex> lock(mu_);
  // Forget expired sessions now and then, so the map does not grow with abandoned logins.
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const bool expired = now - it->second.last_seen > idle_ || now - it->second.created > absolute_;
    it = expired ? sessions_.erase(it) : std::next(it);
  }
  sessions_[Digest(token)] = std::move(s);
  return token;
}

std::optional<Session> SessionStore::Touch(const std::string& token, Clock::time_point now) {
  if (token.size() != 64) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = sessions_.find(Digest(token));
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_seen > idle_ || now - it->second.created > absolute_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionStore::Remove(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(Digest(token));
}

size_t SessionStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

void LoginThrottle::PruneLocked(Clock::time_point now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    auto& times = it->second;
    times.erase(std::remove_if(times.begin(), times.end(),
                               [&](Clock::time_point t) { return now - t >= window_; }),
                times.end());
    it = times.empty() ? failures_.erase(it) : std::next(it);
  }
}

bool LoginThrottle::Allowed(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return true;
  auto& times = it->second;
  times.erase(std::remove_if(times.begin(), times.end(),
                             [&](Clock::time_point t) { return now - t >= window_; }),
              times.end());
  if (times.empty()) {
    failures_.erase(it);
    return true;
  }
  return static_cast<int>(times.size()) < limit_;
}

bool LoginThrottle::Attempt(const std::string& key, Clock::time_point now) {
  return AttemptBelow(key, now, limit_);
}

bool LoginThrottle::AttemptIfClean(const std::string& key, Clock::time_point now) {
  return AttemptBelow(key, now, 1);
}

bool LoginThrottle::AttemptBelow(const std::string& key, Clock::time_point now, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  // Many distinct keys (ids, addresses) must not grow the map for ever.
  if (failures_.size() >= kPruneAt) PruneLocked(now);
  if (failures_.size() >= kMaxKeys && !failures_.count(key)) return false;
  auto& times = failures_[key];
  times.erase(std::remove_if(times.begin(), times.end(),
                             [&](Clock::time_point t) { return now - t >= window_; }),
              times.end());
  if (static_cast<int>(times.size()) >= limit) return false;
  times.push_back(now);  // counted as a failure until the attempt is known to have succeeded
  return true;
}

void LoginThrottle::Forgive(const std::string& key, Clock::time_point when) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return;
  auto& times = it->second;
  if (auto t = std::find(times.begin(), times.end(), when); t != times.end()) times.erase(t);
  if (times.empty()) failures_.erase(it);
}

void LoginThrottle::Failed(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_[key].push_back(now);
}

void LoginThrottle::Succeeded(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

std::string CookieValue(const std::string& header, const std::string& name) {
  std::string value;
  int seen = 0;
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    size_t b = pos;
    while (b < end && header[b] == ' ') ++b;
    const size_t eq = header.find('=', b);
    if (eq != std::string::npos && eq < end && eq - b == name.size() &&
        header.compare(b, eq - b, name) == 0) {
      value = header.substr(eq + 1, end - eq - 1);
      ++seen;
    }
    pos = end + 1;
  }
  // Two cookies of one name: one may have been planted (a sibling host, plain HTTP). Neither.
  return seen == 1 ? value : std::string();
}

bool SameToken(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace yuimaru::web
