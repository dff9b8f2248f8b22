// The connection gate. cpp-httplib gives each connection a pool thread from accept to close and
// restarts its read time-out at every byte, so 48 clients sending a header line every 3 s, or
// 200 idle ones, kept every thread and a real request waited 20-40 s. Here a connection costs
// a descriptor and a buffer until its request is complete; only complete requests reach a worker.
#include "web/gate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace yuimaru::web {
namespace {

using SteadyClock = std::chrono::steady_clock;

// OpenSSL writes with plain write(): a peer that has gone would raise SIGPIPE and end the
// process. Blocked in the gate's own threads, the write fails with EPIPE instead.
void BlockSigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// The client's address and port, and the key its connections are counted under: the IPv4
// address, or the IPv6 /64 (one subscriber usually holds a whole /64).
struct Peer {
  std::string ip, key;
  int port = 0;
};

Peer PeerOf(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  Peer p;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return p;
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    p.ip = p.key = text;
    p.port = ntohs(v4->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    p.ip = text;
    p.port = ntohs(v6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      ::inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], text, sizeof text);
      p.key = text;
    } else {
      in6_addr prefix = v6->sin6_addr;
      std::fill(prefix.s6_addr + 8, prefix.s6_addr + 16, 0);
      ::inet_ntop(AF_INET6, &prefix, text, sizeof text);
      p.key = std::string(text) + "/64";
    }
  }
  return p;
}

// What a header block says of its body. `await`: the length of a body the gate waits for, a
// single plain Content-Length up to `max`. `unread`: the block declares a body the gate does
// not wait for (chunked, longer, a Content-Length given twice or not a plain decimal): the
// handler refuses it unread, and the connection must end after the response, or the body's
// bytes would be read as the next request (request smuggling).
struct BodyPlan {
  size_t await = 0;
  bool unread = false;
};

BodyPlan PlanBody(std::string_view header, size_t max) {
  BodyPlan plan;
  size_t length = 0;
  bool seen = false;
  for (size_t start = header.find('\n'); start != std::string_view::npos;) {
    const size_t line_start = start + 1;
    const size_t end = header.find('\n', line_start);
    if (end == std::string_view::npos) break;
    std::string_view line = header.substr(line_start, end - line_start);
    start = end;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    if (name == "transfer-encoding") return {0, true};
    if (name != "content-length") continue;
    if (seen) return {0, true};
    seen = true;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ' || value.back() == '\t'))
      value.remove_suffix(1);
    if (value.empty() || value.size() > 9) return {0, true};
    for (char c : value) {
      if (c < '0' || c > '9') return {0, true};
      length = length * 10 + static_cast<size_t>(c - '0');
    }
  }
  if (length > max) return {0, true};
  plan.await = length;
  return plan;
}

constexpr char kTooLarge[] =
    "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: "
    "close\r\n\r\n";

// One client connection. Owned by the gate thread's table; while `working`, only the worker
// that took it touches it.
struct Connection {
  uint64_t id = 0;
  int fd = -1;
  SSL* ssl = nullptr;
  Peer peer;
  std::string in;            // received and not yet served
  size_t scanned = 0;        // bytes of `in` searched for the end of the header block
  size_t request_bytes = 0;  // header block and body of the request at the front of `in`
  bool body_unread = false;  // the request declares a body the gate did not wait for
  bool handshaken = false;   // always true without TLS
  bool want_write = false;   // TLS needs the socket writable to go on
  bool polled = false;       // registered with epoll
  bool working = false;
  bool peer_closed = false;  // the client will send nothing more
  bool keep = false;         // the worker's verdict: serve the next request
  std::string out;           // the response, written by the gate thread, never by a worker
  size_t out_pos = 0;        // bytes of `out` already sent
  bool flushing = false;     // the gate is sending `out` (until done or the write deadline)
  short flush_events = 0;    // what the socket must become to go on sending (EPOLLOUT/EPOLLIN)
  int served = 0;
  SteadyClock::time_point deadline;

  ~Connection() {
    if (ssl) {
      if (handshaken) SSL_shutdown(ssl);  // close_notify, best effort (non-blocking)
      SSL_free(ssl);
    }
    if (fd >= 0) ::close(fd);
  }
};

// A response larger than this is cut off and its connection closed (pages and API answers are
// kilobytes; the cap bounds what a connection can hold in memory).
constexpr size_t kMaxResponseBytes = 32u << 20;

// What httplib reads and writes for one request: reads come from the bytes the gate collected
// and writes go to a buffer the gate sends (never the socket: a worker cannot wait on a client).
class RequestStream final : public httplib::Stream {
 public:
  explicit RequestStream(Connection& c) : c_(c) {}

  size_t consumed() const { return pos_; }
  // Whether a response sent "Connection: close" (a refused body stays unread, for one).
  bool said_close() const { return said_close_; }

  bool is_readable() const override { return pos_ < c_.request_bytes; }
  bool is_writable() const override { return !failed_; }

  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, c_.request_bytes - pos_);
    std::memcpy(ptr, c_.in.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  // The response goes to the connection's buffer; the gate thread sends it without blocking,
  // so a client that reads slowly (or not at all) holds no worker.
  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    const std::string_view data(ptr, size);
    if (data.rfind("HTTP/1.", 0) == 0) {
      const std::string_view head = data.substr(0, data.find("\r\n\r\n") + 2);
      if (head.find("\r\nConnection: close\r\n") != std::string_view::npos) said_close_ = true;
    }
    if (c_.out.size() + size > kMaxResponseBytes) {
      failed_ = true;
      return -1;
    }
    c_.out.append(ptr, size);
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.peer.ip;
    port = c_.peer.port;
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(c_.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
      port = ntohs(v4->sin_port);
    } else {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
      port = ntohs(v6->sin6_port);
    }
    ip = text;
  }

  socket_t socket() const override { return c_.fd; }

 private:
  Connection& c_;
  size_t pos_ = 0;
  bool failed_ = false, said_close_ = false;
};

}  // namespace

struct Gate::Impl {
  const GateLimits limits;
  SSL_CTX* const tls;
  const ServeRequest serve;
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  const int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  std::atomic<bool> stopping{false};

  // Handed to the gate thread by the accept thread and the workers.
  std::mutex inbox_mu;
  std::vector<int> accepted;
  std::vector<Connection*> returned;

  // The requests ready for a worker.
  std::mutex work_mu;
  std::condition_variable work_cv;
  std::deque<Connection*> work;

  // The gate thread's own state.
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns;
  std::unordered_map<std::string, int> per_key;
  // Waiting connections by deadline; every wait has the same length, so appending keeps the
  // order. An entry whose connection moved on (served, closed, waiting again) is skipped.
  std::deque<std::pair<SteadyClock::time_point, uint64_t>> deadlines;
  uint64_t next_id = 1;  // 0 is the wake-up event

  std::thread gate_thread;
  std::vector<std::thread> workers;
  bool shut_down = false;

  Impl(const GateLimits& l, SSL_CTX* t, ServeRequest s) : limits(l), tls(t), serve(std::move(s)) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = 0;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
    gate_thread = std::thread([this] { Loop(); });
    for (int i = 0; i < std::max(1, limits.workers); ++i) workers.emplace_back([this] { Work(); });
  }

  ~Impl() {
    ::close(epoll_fd);
    ::close(wake_fd);
  }

  void Wake() {
    const uint64_t one = 1;
    (void)!::write(wake_fd, &one, sizeof one);
  }

  size_t Capacity() const { return limits.max_header_bytes + limits.max_body_bytes; }

  // --- the gate thread ---

  void Loop() {
    BlockSigpipe();
    std::vector<epoll_event> events(256);
    while (!stopping) {
      const int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()),
                                 MillisToNextDeadline());
      if (stopping) break;
      for (int i = 0; i < n; ++i) {
        const uint64_t id = events[i].data.u64;
        if (id == 0) {
          uint64_t count;
          while (::read(wake_fd, &count, sizeof count) > 0) {
          }
          continue;
        }
        auto it = conns.find(id);
        if (it == conns.end() || it->second->working) continue;
        if (it->second->flushing) {
          Flush(*it->second);
        } else {
          Progress(*it->second);
        }
      }
      TakeInbox();
      Expire(SteadyClock::now());
    }
  }

  int MillisToNextDeadline() const {
    if (deadlines.empty()) return -1;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadlines.front().first - SteadyClock::now());
    return static_cast<int>(std::clamp<int64_t>(left.count() + 1, 0, 60'000));
  }

  void TakeInbox() {
    std::vector<int> fds;
    std::vector<Connection*> back;
    {
      std::lock_guard<std::mutex> lock(inbox_mu);
      fds.swap(accepted);
      back.swap(returned);
    }
    for (int fd : fds) Accept(fd);
    for (Connection* c : back) Returned(*c);
  }

  void Accept(int fd) {
    Peer peer = PeerOf(fd);
    if (auto count = per_key.find(peer.key);
        count != per_key.end() && count->second >= limits.per_address) {
      ::close(fd);
      return;
    }
    const size_t max_connections = static_cast<size_t>(std::max(1, limits.max_connections));
    if (conns.size() >= max_connections) EvictOldest();
    if (conns.size() >= max_connections) {
      ::close(fd);
      return;
    }
    ++per_key[peer.key];
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    auto owned = std::make_unique<Connection>();
    Connection& c = *owned;
    c.id = next_id++;
    c.fd = fd;
    c.peer = std::move(peer);
    c.handshaken = tls == nullptr;
    conns.emplace(c.id, std::move(owned));
    if (tls) {
      c.ssl = SSL_new(tls);
      if (!c.ssl || SSL_set_fd(c.ssl, fd) != 1) return Close(c);
      SSL_set_accept_state(c.ssl);
      SSL_set_mode(c.ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
      SSL_set_options(c.ssl, SSL_OP_NO_RENEGOTIATION);
    }
    StartWait(c);
    Progress(c);
  }

  void StartWait(Connection& c) {
    c.deadline = SteadyClock::now() + limits.header_timeout;
    deadlines.emplace_back(c.deadline, c.id);
  }

  // A connection whose request was served: its response is sent, then the next request (it
  // may already be here) is waited for.
  void Returned(Connection& c) {
    c.working = false;
    if (stopping) return Close(c);
    if (c.out.empty()) return AfterResponse(c);
    c.flushing = true;
    c.out_pos = 0;
    c.deadline = SteadyClock::now() + limits.write_timeout;  // all of the response, in all
    deadlines.emplace_back(c.deadline, c.id);
    Flush(c);
  }

  void AfterResponse(Connection& c) {
    if (!c.keep) return Close(c);
    StartWait(c);
    Progress(c);
  }

  // Sends what the socket takes of the response; waits (epoll) for the rest.
  void Flush(Connection& c) {
    while (c.out_pos < c.out.size()) {
      const char* p = c.out.data() + c.out_pos;
      const size_t n = c.out.size() - c.out_pos;
      if (!c.ssl) {
        const ssize_t sent = ::send(c.fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
          c.out_pos += static_cast<size_t>(sent);
          continue;
        }
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
          c.flush_events = EPOLLOUT;
          return PollFlush(c);
        }
        return Close(c);
      }
      const int sent = SSL_write(c.ssl, p, static_cast<int>(std::min<size_t>(n, 1 << 30)));
      if (sent > 0) {
        c.out_pos += static_cast<size_t>(sent);
        continue;
      }
      switch (SSL_get_error(c.ssl, sent)) {
        case SSL_ERROR_WANT_WRITE:
          c.flush_events = EPOLLOUT;
          return PollFlush(c);
        case SSL_ERROR_WANT_READ:
          c.flush_events = EPOLLIN;
          return PollFlush(c);
        default:
          return Close(c);
      }
    }
    c.out.clear();
    c.out.shrink_to_fit();
    c.out_pos = 0;
    c.flushing = false;
    AfterResponse(c);
  }

  // Only what sending waits for: a client's next bytes must not wake the loop while its
  // response is still going out (level-triggered EPOLLIN would spin).
  void PollFlush(Connection& c) {
    epoll_event ev{};
    ev.events = static_cast<uint32_t>(c.flush_events);
    ev.data.u64 = c.id;
    ::epoll_ctl(epoll_fd, c.polled ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd, &ev);
    c.polled = true;
  }

  // Reads what the socket has, then serves, waits or closes.
  void Progress(Connection& c) {
    if (!c.handshaken && !Handshake(c)) return;
    if (!c.handshaken) return Poll(c);
    if (!Read(c)) return Close(c);
    if (RequestComplete(c)) return Dispatch(c);
    if (c.request_bytes == 0 && c.in.size() >= limits.max_header_bytes) {
      WriteBestEffort(c, kTooLarge);
      return Close(c);
    }
    if (c.peer_closed) return Close(c);
    Poll(c);
  }

  // False if the connection was closed.
  bool Handshake(Connection& c) {
    const int r = SSL_accept(c.ssl);
    if (r == 1) {
      c.handshaken = true;
      c.want_write = false;
      return true;
    }
    switch (SSL_get_error(c.ssl, r)) {
      case SSL_ERROR_WANT_READ:
        c.want_write = false;
        return true;
      case SSL_ERROR_WANT_WRITE:
        c.want_write = true;
        return true;
      default:
        Close(c);
        return false;
    }
  }

  // Appends what the socket has to `in`, up to Capacity(). False on a broken connection.
  bool Read(Connection& c) {
    char buf[16384];
    c.want_write = false;
    while (c.in.size() < Capacity() && !c.peer_closed) {
      const size_t room = std::min(sizeof buf, Capacity() - c.in.size());
      if (!c.ssl) {
        const ssize_t n = ::recv(c.fd, buf, room, MSG_DONTWAIT);
        if (n > 0) {
          c.in.append(buf, static_cast<size_t>(n));
        } else if (n == 0) {
          c.peer_closed = true;
        } else {
          return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        }
        continue;
      }
      const int n = SSL_read(c.ssl, buf, static_cast<int>(room));
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        continue;
      }
      switch (SSL_get_error(c.ssl, n)) {
        case SSL_ERROR_WANT_READ:
          return true;
        case SSL_ERROR_WANT_WRITE:
          c.want_write = true;
          return true;
        case SSL_ERROR_ZERO_RETURN:
          c.peer_closed = true;
          continue;
        default:
          return false;
      }
    }
    return true;
  }

  // Whether `in` starts with a whole request: a header block ("\n\r\n" ends it, as httplib's
  // reader sees it) and the body it declares, if the gate waits for that body.
  bool RequestComplete(Connection& c) {
    if (c.request_bytes == 0) {
      const size_t from = c.scanned >= 2 ? c.scanned - 2 : 0;
      const size_t end = c.in.find("\n\r\n", from);
      if (end == std::string::npos || end + 3 > limits.max_header_bytes) {
        c.scanned = c.in.size();
        return false;
      }
      const std::string_view header(c.in.data(), end + 3);
      const BodyPlan plan = PlanBody(header, limits.max_body_bytes);
      c.request_bytes = header.size() + plan.await;
      c.body_unread = plan.unread;
    }
    return c.in.size() >= c.request_bytes;
  }

  void Dispatch(Connection& c) {
    if (c.polled) {
      ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
      c.polled = false;
    }
    c.working = true;
    {
      std::lock_guard<std::mutex> lock(work_mu);
      work.push_back(&c);
    }
    work_cv.notify_one();
  }

  void Poll(Connection& c) {
    epoll_event ev{};
    ev.events = EPOLLIN | (c.want_write ? uint32_t{EPOLLOUT} : 0u);
    ev.data.u64 = c.id;
    ::epoll_ctl(epoll_fd, c.polled ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd, &ev);
    c.polled = true;
  }

  void WriteBestEffort(Connection& c, std::string_view s) {
    if (c.ssl) {
      (void)SSL_write(c.ssl, s.data(), static_cast<int>(s.size()));
    } else {
      (void)::send(c.fd, s.data(), s.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  }

  void Close(Connection& c) {
    if (auto it = per_key.find(c.peer.key); it != per_key.end() && --it->second <= 0) {
      per_key.erase(it);
    }
    conns.erase(c.id);  // closes the socket, which leaves epoll with it
  }

  // Closes the connections whose time to send a request has run out.
  void Expire(SteadyClock::time_point now) {
    while (!deadlines.empty() && deadlines.front().first <= now) {
      const auto [deadline, id] = deadlines.front();
      deadlines.pop_front();
      auto it = conns.find(id);
      if (it != conns.end() && !it->second->working && it->second->deadline == deadline)
        Close(*it->second);
    }
  }

  // At the global cap: the connection that has waited longest for its request makes room.
  void EvictOldest() {
    while (!deadlines.empty()) {
      const auto [deadline, id] = deadlines.front();
      deadlines.pop_front();
      auto it = conns.find(id);
      if (it != conns.end() && !it->second->working && it->second->deadline == deadline) {
        Close(*it->second);
        return;
      }
    }
  }

  // --- the workers ---

  void Work() {
    BlockSigpipe();
    for (;;) {
      Connection* c = nullptr;
      {
        std::unique_lock<std::mutex> lock(work_mu);
        work_cv.wait(lock, [this] { return stopping || !work.empty(); });
        if (stopping) return;
        c = work.front();
        work.pop_front();
      }
      Serve(*c);
      {
        std::lock_guard<std::mutex> lock(inbox_mu);
        returned.push_back(c);
      }
      Wake();
    }
  }

  void Serve(Connection& c) {
    ++c.served;
    const bool last = c.served >= limits.keep_alive_max || c.peer_closed;
    RequestStream stream(c);
    bool closed = false;
    const bool ok = serve(stream, last, closed);
    // A request whose bytes were not all read (a refused body) ends the connection: what is
    // left must never be read as the next request.
    c.keep = ok && !closed && !last && !stream.said_close() && stream.is_writable() &&
             stream.consumed() == c.request_bytes && !c.body_unread;
    c.in.erase(0, stream.consumed());
    c.scanned = 0;
    c.request_bytes = 0;
    c.body_unread = false;
  }

  void Shutdown() {
    if (shut_down) return;
    shut_down = true;
    stopping = true;
    { std::lock_guard<std::mutex> lock(work_mu); }
    work_cv.notify_all();
    for (std::thread& t : workers) t.join();
    Wake();
    gate_thread.join();
    {
      std::lock_guard<std::mutex> lock(inbox_mu);
      for (int fd : accepted) ::close(fd);
      accepted.clear();
    }
    conns.clear();
  }
};

Gate::Gate(const GateLimits& limits, SSL_CTX* tls, ServeRequest serve)
    : impl_(std::make_unique<Impl>(limits, tls, std::move(serve))) {}

Gate::~Gate() { impl_->Shutdown(); }

void Gate::shutdown() { impl_->Shutdown(); }

void Gate::Admit(int fd) {
  if (impl_->stopping) {
    ::close(fd);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(impl_->inbox_mu);
    impl_->accepted.push_back(fd);
  }
  impl_->Wake();
}

}  // namespace yuimaru::web
