// Slow and idle clients against the real server (web/gate.cc): attackers on 127.0.0.2 and up,
// the legitimate client on 127.0.0.1, all on loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace yuimaru::testing {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

std::vector<std::string> Corpus() { return {(SourceDir() / "corpus").string()}; }

// 500 attacker sockets and their 500 server ends live in this one process.
void RaiseFileLimit() {
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  limit.rlim_cur = limit.rlim_max;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
  REQUIRE(limit.rlim_cur >= 2048);
}

// A TCP connection to 127.0.0.1:port from `source` (a loopback address); -1 if it failed.
// `receive_buffer` > 0 shrinks the socket's receive buffer (and so the window it offers).
int ConnectFrom(const std::string& source, int port, int receive_buffer = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (receive_buffer > 0) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{2, 0};  // bounds connect() and every send() and recv()
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& s) {
  return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
}

// Whether the server ended `fd` (EOF or reset) within `wait`; data it sends is read and dropped.
bool ClosedWithin(int fd, milliseconds wait) {
  const auto end = SteadyClock::now() + wait;
  char buf[4096];
  for (auto now = SteadyClock::now(); now < end; now = SteadyClock::now()) {
    pollfd p{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<milliseconds>(end - now).count();
    if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left))) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return true;
  }
  return false;
}

// What the server sends on `fd` until it closes, `responses` status lines have arrived, or
// `wait` has passed.
std::string ReadReplies(int fd, size_t responses, milliseconds wait) {
  std::string reply;
  const auto end = SteadyClock::now() + wait;
  char buf[16384];
  while (SteadyClock::now() < end) {
    size_t seen = 0;
    for (size_t p = reply.find("HTTP/1.1 "); p != std::string::npos;
         p = reply.find("HTTP/1.1 ", p + 1)) {
      ++seen;
    }
    if (seen >= responses) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;
    if (n > 0) reply.append(buf, static_cast<size_t>(n));
  }
  return reply;
}

size_t CountReplies(const std::string& reply) {
  size_t n = 0;
  for (size_t p = reply.find("HTTP/1.1 200"); p != std::string::npos;
       p = reply.find("HTTP/1.1 200", p + 1)) {
    ++n;
  }
  return n;
}

// Whether a request on `fd` is answered 200; closes `fd`.
bool Served(int fd) {
  if (fd < 0) return false;
  const bool sent = SendAll(fd, "GET /static/app.css HTTP/1.1\r\nHost: x\r\n\r\n");
  const bool ok = sent && CountReplies(ReadReplies(fd, 1, milliseconds(3000))) == 1;
  ::close(fd);
  return ok;
}

enum class Kind { kIdle, kSlow, kKeptAlive };

// Keeps `count` connections open from 127.0.0.2…: idle ones (connect, send nothing), slow ones
// (one header line every 3 s, never finishing) and kept-alive ones (one complete request, then
// nothing). A connection the server ends is opened again, as a real attacker would.
class Attack {
 public:
  Attack(int port, int count, int addresses) : port_(port) {
    for (int i = 0; i < count; ++i) {
      conns_.push_back({-1, static_cast<Kind>(i % 3),
                        "127.0.0." + std::to_string(2 + i % addresses), SteadyClock::now()});
    }
    for (Conn& c : conns_) Open(c);
    thread_ = std::thread([this] { Run(); });
  }
  ~Attack() {
    stop_ = true;
    thread_.join();
    for (Conn& c : conns_)
      if (c.fd >= 0) ::close(c.fd);
  }
  int open() const { return open_; }
  int min_open() const { return min_open_; }
  int reopened() const { return reopened_; }

 private:
  struct Conn {
    int fd;
    Kind kind;
    std::string source;
    SteadyClock::time_point next_line;
  };

  void Open(Conn& c) {
    c.fd = ConnectFrom(c.source, port_);
    if (c.fd < 0) return;
    c.next_line = SteadyClock::now() + std::chrono::seconds(3);
    if (c.kind == Kind::kSlow) (void)SendAll(c.fd, "GET /login HTTP/1.1\r\nHost: x\r\n");
    if (c.kind == Kind::kKeptAlive)
      (void)SendAll(c.fd, "GET /static/app.css HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  void Run() {
    char buf[16384];
    int line = 0;
    while (!stop_) {
      std::vector<pollfd> polls;
      for (const Conn& c : conns_) polls.push_back({c.fd, POLLIN, 0});
      ::poll(polls.data(), polls.size(), 50);
      const auto now = SteadyClock::now();
      int open = 0;
      for (size_t i = 0; i < conns_.size(); ++i) {
        Conn& c = conns_[i];
        bool closed = c.fd < 0;
        if (!closed && (polls[i].revents & (POLLIN | POLLHUP | POLLERR))) {
          const ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
          closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        }
        if (!closed && c.kind == Kind::kSlow && now >= c.next_line) {
          closed = !SendAll(c.fd, "X-Slow-" + std::to_string(++line) + ": 1\r\n");
          c.next_line = now + std::chrono::seconds(3);
        }
        if (closed && reopened_ < kMaxReopen) {
          if (c.fd >= 0) ::close(c.fd);
          ++reopened_;
          Open(c);
        }
        if (c.fd >= 0) ++open;
      }
      open_ = open;
      min_open_ = std::min(min_open_.load(), open);
    }
  }

  static constexpr int kMaxReopen = 20000;
  const int port_;
  std::vector<Conn> conns_;
  std::atomic<bool> stop_{false};
  std::atomic<int> open_{0}, min_open_{1 << 30}, reopened_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE(
    "gate: a normal request is answered within 1 s while 500 slow and idle connections "
    "are open",
    "[http][gate]") {
  RaiseFileLimit();
  // The production defaults: as many workers and the same time-outs as `yuimaru serve`.
  TestServer server(Corpus(), search::Clearance::kConfidential,
                    [](web::ServerOptions& o) { o.threads = 0; });
  Attack attack(server.port(), 500, 10);
  std::vector<long> waits;
  const auto end = SteadyClock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 200 && SteadyClock::now() < end; ++i) {
    httplib::Client c = i % 2 ? server.Client() : server.AnonymousClient();
    c.set_connection_timeout(40, 0);
    c.set_read_timeout(40, 0);
    const auto start = SteadyClock::now();
    auto r = c.Get(i % 2 ? "/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99" : "/static/app.css");
    waits.push_back(std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count());
    CHECK(r);
    if (r) CHECK(r->status == 200);
    std::this_thread::sleep_for(milliseconds(200));
  }
  std::sort(waits.begin(), waits.end());
  const long worst = waits.back();
  const long p95 = waits[waits.size() * 95 / 100];
  INFO("requests: " << waits.size() << ", p95 " << p95 << " ms, worst wait: " << worst
                    << " ms, attacker connections open: " << attack.open() << " (at least "
                    << attack.min_open() << "), reopened: " << attack.reopened());
  CHECK(waits.size() >= 20);
  CHECK(attack.open() >= 480);
  // The requirement is 1 s; on the old code every request waited 10-40 s. One request in
  // twenty may meet a machine busy with other tests (ctest -j), never a blocked server.
  CHECK(p95 < 1000);
  CHECK(worst < 3000);
}

// Clients that send requests and never read the answers: each response is sent by the gate
// thread as the client takes it, so no worker waits for a reader (on the old code 40 such
// connections from one address held every worker for 10 s a request).
TEST_CASE("gate: clients that never read their responses hold no worker", "[http][gate]") {
  RaiseFileLimit();
  TestServer server(Corpus(), search::Clearance::kConfidential,
                    [](web::ServerOptions& o) { o.threads = 0; });
  const std::string request =
      "GET /search?q=%E6%94%AF%E6%8F%B4&limit=50 HTTP/1.1\r\nHost: x\r\n"
      "Cookie: " +
      server.cookie() + "\r\n\r\n";
  std::string pipelined;
  for (int i = 0; i < 20; ++i) pipelined += request;
  std::vector<int> readers;
  for (int i = 0; i < 60; ++i) {
    const int fd = ConnectFrom("127.0.0." + std::to_string(2 + i / 30), server.port(), 1024);
    REQUIRE(fd >= 0);
    ::send(fd, pipelined.data(), pipelined.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    readers.push_back(fd);
  }
  std::this_thread::sleep_for(milliseconds(1500));  // let the server fill their buffers
  std::vector<long> waits;
  for (int i = 0; i < 20; ++i) {
    httplib::Client c = server.Client();
    c.set_read_timeout(30, 0);
    const auto start = SteadyClock::now();
    auto r = c.Get(i % 2 ? "/search?q=%E4%BA%8B%E6%A5%AD%E6%89%BF%E7%B6%99" : "/static/app.css");
    waits.push_back(std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count());
    CHECK(r);
    if (r) CHECK(r->status == 200);
  }
  std::sort(waits.begin(), waits.end());
  INFO("p95 " << waits[waits.size() * 95 / 100] << " ms, worst " << waits.back() << " ms");
  CHECK(waits[waits.size() * 95 / 100] < 1000);
  CHECK(waits.back() < 3000);
  for (int fd : readers) ::close(fd);
}

TEST_CASE("gate: connections beyond the cap per address are closed at once, others are served",
          "[http][gate]") {
  TestServer server(Corpus(), search::Clearance::kConfidential,
                    [](web::ServerOptions& o) { o.connections_per_address = 8; });
  std::vector<int> fds;
  for (int i = 0; i < 12; ++i) fds.push_back(ConnectFrom("127.0.0.2", server.port()));
  for (int fd : fds) REQUIRE(fd >= 0);
  for (int i = 8; i < 12; ++i) CHECK(ClosedWithin(fds[i], milliseconds(2000)));
  for (int i = 0; i < 8; ++i) CHECK_FALSE(ClosedWithin(fds[i], milliseconds(50)));
  CHECK_FALSE(Served(ConnectFrom("127.0.0.2", server.port())));
  CHECK(Served(ConnectFrom("127.0.0.3", server.port())));
  auto r = server.AnonymousClient().Get("/static/app.css");
  REQUIRE(r);
  CHECK(r->status == 200);
  // A closed connection frees its place (once the gate has seen it close).
  ::close(fds[0]);
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    served = Served(ConnectFrom("127.0.0.2", server.port()));
    if (!served) std::this_thread::sleep_for(milliseconds(100));
  }
  CHECK(served);
  for (int i = 1; i < 12; ++i) ::close(fds[i]);
}

TEST_CASE(
    "gate: a slow header or body sender is cut off at the total deadline though it keeps "
    "sending",
    "[http][gate]") {
  // One worker: the slow senders must not hold it.
  TestServer server(Corpus(), search::Clearance::kConfidential, [](web::ServerOptions& o) {
    o.threads = 1;
    o.header_timeout = milliseconds(1500);
  });
  const std::vector<std::string> starts = {
      "GET /login HTTP/1.1\r\nHost: x\r\n",
      "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 200\r\n\r\n"};
  for (const std::string& start : starts) {
    const int fd = ConnectFrom("127.0.0.2", server.port());
    REQUIRE(fd >= 0);
    const auto begin = SteadyClock::now();
    REQUIRE(SendAll(fd, start));
    const bool body = start.find("POST") == 0;
    bool closed = false;
    for (int i = 0; i < 50 && !closed; ++i) {  // 10 s at most: far past the 1.5 s deadline
      if (!SendAll(fd, body ? std::string("a") : "X-Slow-" + std::to_string(i) + ": 1\r\n")) {
        closed = true;
        break;
      }
      if (i == 2) {
        auto r = server.AnonymousClient().Get("/static/app.css");
        REQUIRE(r);
        CHECK(r->status == 200);
      }
      closed = ClosedWithin(fd, milliseconds(200));
    }
    const auto elapsed =
        std::chrono::duration_cast<milliseconds>(SteadyClock::now() - begin).count();
    INFO(start << "closed after " << elapsed << " ms");
    CHECK(closed);
    CHECK(elapsed >= 1400);
    CHECK(elapsed < 5000);
    ::close(fd);
  }
}

TEST_CASE("gate: pipelined, kept-alive and half-closed requests are all answered, in order",
          "[http][gate]") {
  TestServer server(Corpus(), search::Clearance::kConfidential,
                    [](web::ServerOptions& o) { o.threads = 1; });
  const std::string css = "GET /static/app.css HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string js = "GET /static/app.js HTTP/1.1\r\nHost: x\r\n\r\n";
  const int fd = ConnectFrom("127.0.0.1", server.port());
  REQUIRE(fd >= 0);
  REQUIRE(SendAll(fd, css + js + css.substr(0, 10)));
  std::string reply = ReadReplies(fd, 2, milliseconds(5000));
  CHECK(CountReplies(reply) == 2);
  CHECK(reply.find("text/css") < reply.find("text/javascript"));
  REQUIRE(SendAll(fd, css.substr(10)));
  reply = ReadReplies(fd, 1, milliseconds(5000));
  CHECK(CountReplies(reply) == 1);
  // The client sends its last request and shuts its side: it is still answered, then closed.
  REQUIRE(SendAll(fd, js));
  ::shutdown(fd, SHUT_WR);
  reply = ReadReplies(fd, 2, milliseconds(5000));
  CHECK(CountReplies(reply) == 1);
  CHECK(ClosedWithin(fd, milliseconds(3000)));
  ::close(fd);
}

TEST_CASE("gate: a header block over 16 KiB is refused with 431 and the connection closed",
          "[http][gate]") {
  TestServer server(Corpus());
  const int fd = ConnectFrom("127.0.0.1", server.port());
  REQUIRE(fd >= 0);
  std::string request = "GET /static/app.css HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 300; ++i)
    request += "X-Padding-" + std::to_string(i) + ": " + std::string(60, 'p') + "\r\n";
  request += "\r\n";
  (void)SendAll(fd, request);
  const std::string reply = ReadReplies(fd, 1, milliseconds(5000));
  CHECK(reply.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(ClosedWithin(fd, milliseconds(2000)));
  ::close(fd);
}

TEST_CASE("gate: idle and unfinished TLS handshakes hold no worker, and HTTPS keeps alive",
          "[http][gate][tls]") {
  RaiseFileLimit();
  TempDir t;
  const std::string cert = (t / "cert.pem").string(), key = (t / "key.pem").string();
  const CommandResult gen =
      RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                  key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"});
  INFO(gen.err);
  REQUIRE(gen.exit_code == 0);
  const CommandResult idx =
      Yuimaru({"index", "--db", (t / "db").string(), (SourceDir() / "corpus").string()});
  REQUIRE(idx.exit_code == 0);
  web::ServerOptions o;
  o.db = t / "db";
  o.port = 0;
  o.allow_anonymous = true;
  o.threads = 1;
  o.header_timeout = milliseconds(3000);
  o.tls_cert = cert;
  o.tls_key = key;
  auto server = web::Server::Create(o);
  REQUIRE(server);
  auto port = (*server)->Bind();
  REQUIRE(port);
  std::thread th([&] { (void)(*server)->Listen(); });
  while (!(*server)->IsRunning()) std::this_thread::sleep_for(milliseconds(1));
  // Idle sockets, and sockets that sent the first bytes of a ClientHello and stopped.
  std::vector<int> fds;
  for (int i = 0; i < 40; ++i) {
    fds.push_back(ConnectFrom("127.0.0." + std::to_string(2 + i % 4), *port));
    REQUIRE(fds.back() >= 0);
    if (i % 2) (void)SendAll(fds.back(), std::string("\x16\x03\x01\x02\x00\x01", 6));
  }
  httplib::SSLClient s("127.0.0.1", *port);
  s.enable_server_certificate_verification(false);
  s.set_keep_alive(true);
  s.set_read_timeout(40, 0);
  for (int i = 0; i < 3; ++i) {
    const auto start = SteadyClock::now();
    auto r = s.Get("/static/app.css");
    const auto wait = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Connection") != "close");
    CHECK(wait.count() < 1000);
  }
  // The unfinished handshakes end at the deadline.
  for (int fd : fds) CHECK(ClosedWithin(fd, milliseconds(6000)));
  for (int fd : fds) ::close(fd);
  (*server)->Stop();
  th.join();
}

}  // namespace yuimaru::testing
