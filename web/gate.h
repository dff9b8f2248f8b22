// The connection gate in front of cpp-httplib: no worker thread ever waits for a client. One
// thread (epoll) holds every connection until its request header block, and a small body, has
// arrived whole within a total deadline; a worker then serves exactly that request and hands the
// connection back for the next one. Connections are capped per address and in all.
// Private to web/ (server.cc builds a Gated<httplib::Server> or Gated<httplib::SSLServer>).
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace yuimaru::web {

struct GateLimits {
  // From accept, or from the end of the previous response, to the last byte of the request's
  // header block and body (a TLS handshake included); not restarted by each line or byte.
  std::chrono::milliseconds header_timeout{10'000};
  // To send one response, in all (the gate thread sends it; no worker waits for a reader).
  // Must equal header_timeout: the deadlines share one queue kept in time order.
  std::chrono::milliseconds write_timeout{10'000};
  size_t max_header_bytes = 16 * 1024;  // longer: 431, closed
  // A body up to this length is waited for before a worker is given the request; a longer
  // one (or a chunked one) is never read: the handler must refuse it, and the connection ends.
  size_t max_body_bytes = 4096;
  int per_address = 64;  // open connections from one IPv4 address or IPv6 /64; more are closed
  int max_connections = 1024;  // in all; at the cap the oldest waiting connection is closed
  int workers = 32;
  int keep_alive_max = 100;  // requests per connection
};

// Serves the one request that `stream` holds: the arguments of httplib's process_request
// (close_connection, connection_closed); false if the connection is unusable.
using ServeRequest = std::function<bool(httplib::Stream&, bool, bool&)>;

// The gate, in the place of httplib's TaskQueue: enqueue() runs the accept thread's job at once
// (it only hands the socket to Admit), and shutdown() closes every connection and joins the
// threads. Created by Gated::new_task_queue when Listen starts.
class Gate final : public httplib::TaskQueue {
 public:
  // `tls`: the context of an SSLServer, or null for plain HTTP. Starts the threads.
  Gate(const GateLimits& limits, SSL_CTX* tls, ServeRequest serve);
  ~Gate() override;
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  void enqueue(std::function<void()> fn) override { fn(); }
  // Closes every connection once the workers have finished their current request.
  void shutdown() override;
  // Takes ownership of an accepted socket and returns at once. Thread-safe.
  void Admit(int fd);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An httplib server (Server or SSLServer) whose accepted sockets go through a Gate.
template <class Base>
class Gated final : public Base {
 public:
  template <class... Args>
  explicit Gated(const GateLimits& limits, Args&&... args)
      : Base(std::forward<Args>(args)...), limits_(limits) {
    this->set_keep_alive_max_count(static_cast<size_t>(limits.keep_alive_max));
    this->set_keep_alive_timeout(
        std::chrono::duration_cast<std::chrono::seconds>(limits.header_timeout).count());
    this->new_task_queue = [this] {
      // httplib listens with a backlog of 5: a burst of connections would wait for SYN
      // retries (a second or more) before the gate even saw them.
      ::listen(this->svr_sock_, SOMAXCONN);
      SSL_CTX* tls = nullptr;
      if constexpr (std::is_base_of_v<httplib::SSLServer, Base>) tls = this->ssl_context();
      gate_ = new Gate(limits_, tls, [this](httplib::Stream& s, bool close, bool& closed) {
        return this->process_request(s, close, closed, nullptr);
      });
      return gate_;
    };
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    gate_->Admit(sock);
    return true;
  }

  const GateLimits limits_;
  Gate* gate_ = nullptr;  // owned by httplib's listen loop, which calls shutdown() and deletes it
};

}  // namespace yuimaru::web
