// Sessions and login throttling with an injected clock: no sockets, no waiting.
#include "web/session.h"

#include <catch2/catch.hpp>

namespace yuimaru::web {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
const Clock::time_point t0 = Clock::time_point(seconds(1'790'000'000));

TEST_CASE("sessions: random ids, idle and absolute time-outs, removal") {
  SessionStore store(minutes(30), minutes(8 * 60));
  const std::string a = store.Create("k07", "stamp", t0);
  const std::string b = store.Create("k07", "stamp", t0);
  CHECK(a.size() == 64);
  CHECK(a != b);
  auto s = store.Touch(a, t0 + minutes(29));
  REQUIRE(s);
  CHECK(s->user == "k07");
  CHECK(s->csrf.size() == 64);
  CHECK(s->csrf != a);
  // Touched at 29 min: alive at 58 min, gone after 30 idle minutes.
  CHECK(store.Touch(a, t0 + minutes(58)));
  CHECK_FALSE(store.Touch(a, t0 + minutes(89)));
  CHECK_FALSE(store.Touch(a, t0 + minutes(58)));  // forgotten, not revived
  // b, used every 20 minutes, still ends at 8 hours.
  for (int m = 20; m < 8 * 60; m += 20) REQUIRE(store.Touch(b, t0 + minutes(m)));
  CHECK_FALSE(store.Touch(b, t0 + minutes(8 * 60 + 1)));
  const std::string c = store.Create("s01", "stamp", t0);
  store.Remove(c);
  CHECK_FALSE(store.Touch(c, t0));
  CHECK_FALSE(store.Touch("", t0));
  CHECK_FALSE(store.Touch(std::string(64, '0'), t0));
}

TEST_CASE("login throttle: limit failures in a sliding window; success clears the account") {
  LoginThrottle throttle(3, minutes(15));
  const std::string key = "user:k07";
  for (int i = 0; i < 3; ++i) {
    CHECK(throttle.Allowed(key, t0 + minutes(i)));
    throttle.Failed(key, t0 + minutes(i));
  }
  CHECK_FALSE(throttle.Allowed(key, t0 + minutes(5)));
  CHECK(throttle.Allowed("user:other", t0 + minutes(5)));
  // The first failure leaves the window at 15 minutes.
  CHECK_FALSE(throttle.Allowed(key, t0 + minutes(14)));
  CHECK(throttle.Allowed(key, t0 + minutes(15)));
  throttle.Failed(key, t0 + minutes(15));
  CHECK_FALSE(throttle.Allowed(key, t0 + minutes(15)));
  throttle.Succeeded(key);
  CHECK(throttle.Allowed(key, t0 + minutes(15)));
}

TEST_CASE("cookies and tokens") {
  CHECK(CookieValue("a=1; yuimaru_session=abc; b=2", "yuimaru_session") == "abc");
  CHECK(CookieValue("yuimaru_session=x", "yuimaru_session") == "x");
  CHECK(CookieValue("xyuimaru_session=x", "yuimaru_session").empty());
  CHECK(CookieValue("", "yuimaru_session").empty());
  CHECK(SameToken("abc", "abc"));
  CHECK_FALSE(SameToken("abc", "abd"));
  CHECK_FALSE(SameToken("", ""));
  CHECK_FALSE(SameToken("abc", "abcd"));
}

}  // namespace
}  // namespace yuimaru::web

namespace yuimaru::web {
namespace {

TEST_CASE("login throttle: Attempt checks and counts in one step; Forgive takes one back") {
  LoginThrottle throttle(2, minutes(15));
  CHECK(throttle.Attempt("addr:a", t0));
  CHECK(throttle.Attempt("addr:a", t0 + seconds(1)));
  // Two guesses in flight use up the limit before either has been judged.
  CHECK_FALSE(throttle.Attempt("addr:a", t0 + seconds(2)));
  throttle.Forgive("addr:a", t0 + seconds(1));  // that one was a correct password
  CHECK(throttle.Attempt("addr:a", t0 + seconds(3)));
  CHECK_FALSE(throttle.Attempt("addr:a", t0 + seconds(4)));
  CHECK(throttle.Attempt("addr:a", t0 + minutes(16)));
}

TEST_CASE("cookies: a name given twice is no cookie at all") {
  CHECK(CookieValue("yuimaru_session=a; yuimaru_session=b", "yuimaru_session").empty());
  CHECK(CookieValue("__Host-yuimaru_session=a", "yuimaru_session").empty());
  CHECK(CookieValue("__Host-yuimaru_session=a; x=1", "__Host-yuimaru_session") == "a");
}

}  // namespace
}  // namespace yuimaru::web

namespace yuimaru::web {
namespace {

TEST_CASE("login tokens: only the server's own, unexpired, are accepted") {
  const std::string secret = "server-secret-0123456789";
  const std::string token = MakeLoginToken(secret, t0);
  CHECK(CheckLoginToken(secret, token, t0 + minutes(59), minutes(60)));
  CHECK_FALSE(CheckLoginToken(secret, token, t0 + minutes(61), minutes(60)));
  CHECK_FALSE(CheckLoginToken("another-secret", token, t0, minutes(60)));
  CHECK_FALSE(CheckLoginToken(secret, std::string(64, 'a'), t0, minutes(60)));
  std::string later = token;
  later[33] = later[33] == '9' ? '8' : '9';  // the time, re-dated
  CHECK_FALSE(CheckLoginToken(secret, later, t0, minutes(60)));
  CHECK(MakeLoginToken(secret, t0) != token);
}

TEST_CASE("login throttle: AttemptIfClean lets only a key without failures try") {
  LoginThrottle throttle(5, minutes(15));
  CHECK(throttle.AttemptIfClean("addr:b", t0));
  CHECK_FALSE(throttle.AttemptIfClean("addr:b", t0 + seconds(1)));
  throttle.Forgive("addr:b", t0);
  CHECK(throttle.AttemptIfClean("addr:b", t0 + seconds(2)));
  CHECK(throttle.AttemptIfClean("addr:b", t0 + minutes(16)));
}

}  // namespace
}  // namespace yuimaru::web
