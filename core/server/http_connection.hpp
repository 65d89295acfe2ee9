#pragma once
// One client connection of the HTTP front: its socket, what was read of the request under way
// and what is left to send. One request at a time, read whole (its head, then its body once the
// API admitted it) before a worker runs it, and answered before the next one is read, so
// pipelined requests are answered in order. Nothing here blocks: a call reads or writes what the
// socket takes now and says what the front should do next. Each phase has its deadline.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "server/chunked_body.hpp"
#include "server/request_jobs.hpp"
#include "server/unique_fd.hpp"

namespace beaver {

struct ConnectionLimits {
  std::chrono::seconds keep_alive{5};  // an idle connection is closed after this
  int keep_alive_requests = 100;       // answers on one connection before it is closed
  // A request's head must arrive within this of its first byte; a body gets it as a grace
  // period, and an answer to write gets it on top of its size at the minimum rate.
  std::chrono::seconds header_timeout{10};
  uint64_t min_rate = 64 << 10;            // bytes a second, a body's and an answer's, on average
  std::chrono::seconds body_timeout{600};  // a body's whole time at most, whatever its rate
  size_t max_head = 64 << 10;              // a request line and headers, at most
  BodyLimits body;
};

// What the front shares with every connection: the limits, the metrics, and the buffer a
// connection reads into (one thread reads at a time).
struct ConnectionContext {
  const ConnectionLimits& limits;
  Metrics& metrics;
  std::span<char> scratch;
};

class HttpConnection {
 public:
  enum class Phase {
    idle,       // between requests: no byte of the next one yet
    head,       // reading a request's line and headers
    admitting,  // a worker decides whether its body may come
    body,       // reading its body, into memory or into an upload's file
    running,    // a worker runs it
    writing,    // sending its answer
    lingering,  // answered and closing: what the client still sends is read and dropped for a
                // moment, so that closing does not reset the connection under the answer
  };

  // What the front does next with the connection.
  enum class Next {
    wait,   // for the socket or the deadline
    again,  // more to read on the next turn: the other connections get theirs first
    admit,  // give head() to a worker (admit_body), then call admitted()
    run,    // give take_run() to a worker (run_request), then call answered()
    close,
  };

  // `client`: the address its requests are counted against (HttpRequest::client).
  HttpConnection(UniqueFd fd, std::string client, const ConnectionContext& context, SteadyTime now);

  // The socket may be read (or was closed by the client): epoll said so.
  Next readable(SteadyTime now);
  // The socket may be written.
  Next writable(SteadyTime now);
  Next admitted(Admission admission, SteadyTime now);
  Next answered(WireAnswer answer, SteadyTime now);
  // Instead of admit or run: no worker may take the request (the queue is full).
  Next refuse_busy(SteadyTime now);
  // The deadline passed: a request not read in time is answered 408; the rest is closed.
  Next expired(SteadyTime now);
  // The server stops: no request after the one under way. True when the connection should close
  // now (it has none under way).
  bool stop();

  const RequestHead& head() const { return head_; }
  SteadyTime request_start() const { return request_start_; }
  RunJob take_run();

  int fd() const { return fd_.get(); }
  Phase phase() const { return phase_; }
  SteadyTime deadline() const;
  // Between requests with nothing buffered: the first to close when connections run short.
  bool idle() const { return phase_ == Phase::idle && in_.empty(); }
  // A request is read whole and not yet answered: it is to be finished when the server stops.
  bool in_flight() const;

 private:
  // Parses what was read, and reads more, as far as the phase allows.
  Next resume(SteadyTime now);
  // Parses what was read, as far as the phase allows.
  Next advance(SteadyTime now);
  Next read_head(SteadyTime now);
  Next read_body(SteadyTime now);
  // Takes body bytes; the reply refusing them when they cannot be (over the limit, or the disk
  // failed).
  std::optional<HttpReply> take(std::string_view data);
  Next body_read(SteadyTime now);
  Next peer_closed();
  // Answers the request under way with a reply made here, then closes.
  Next fail(const HttpReply& reply, SteadyTime now, bool linger = true);
  Next send(WireAnswer answer, bool linger, SteadyTime now);
  Next flush(SteadyTime now);
  Next written(SteadyTime now);
  bool reading() const;
  ReplyFraming framing() const;

  UniqueFd fd_;
  std::string client_;
  const ConnectionContext& context_;
  Phase phase_ = Phase::idle;
  SteadyTime phase_start_;
  SteadyTime request_start_;
  std::string in_;      // read and not yet taken
  size_t scanned_ = 0;  // of a head in `in_`, searched for its end
  std::string out_;     // to send
  size_t sent_ = 0;
  RequestHead head_;
  bool keep_alive_ = true;  // after the request under way
  bool admit_first_ = false;
  std::string body_;
  uint64_t received_ = 0;  // of the body
  ChunkedBody chunks_;
  std::optional<UploadFile> upload_;
  bool close_after_ = false;  // once `out_` is sent
  bool linger_ = false;
  bool stopping_ = false;
  int answered_ = 0;
  // Whether the socket may hold bytes not yet read: epoll (edge-triggered) says when bytes come
  // after a read found none, so until then another read would find none either.
  bool may_read_ = true;
};

}  // namespace beaver
