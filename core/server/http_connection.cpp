#include "server/http_connection.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "server/api.hpp"
#include "server/http_error.hpp"

namespace beaver {
namespace {

// Reads of the scratch buffer a connection gets on one turn, so that a fast upload shares the
// reactor with the others.
constexpr int kReadsPerTurn = 16;
// How long a closing connection's late bytes are read and dropped, at most.
constexpr std::chrono::seconds kLinger{2};

std::chrono::steady_clock::duration at_rate(uint64_t bytes, uint64_t rate) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(static_cast<double>(bytes) / static_cast<double>(rate)));
}

}  // namespace

HttpConnection::HttpConnection(UniqueFd fd, std::string client, const ConnectionContext& context,
                               SteadyTime now)
    : fd_(std::move(fd)),
      client_(std::move(client)),
      context_(context),
      phase_start_(now),
      request_start_(now) {}

SteadyTime HttpConnection::deadline() const {
  const auto& l = context_.limits;
  switch (phase_) {
    case Phase::idle:
      return phase_start_ + l.keep_alive;
    case Phase::head:
      return phase_start_ + l.header_timeout;
    case Phase::body:
      return std::min(phase_start_ + l.body_timeout,
                      phase_start_ + l.header_timeout + at_rate(received_, l.min_rate));
    case Phase::writing:
      return phase_start_ + l.header_timeout + at_rate(out_.size(), l.min_rate);
    case Phase::lingering:
      return phase_start_ + std::min<std::chrono::seconds>(kLinger, l.header_timeout);
    case Phase::admitting:
    case Phase::running:
      break;
  }
  return SteadyTime::max();
}

bool HttpConnection::in_flight() const {
  return phase_ == Phase::admitting || phase_ == Phase::body || phase_ == Phase::running ||
         phase_ == Phase::writing;
}

bool HttpConnection::reading() const {
  return phase_ == Phase::idle || phase_ == Phase::head || phase_ == Phase::body ||
         phase_ == Phase::lingering;
}

ReplyFraming HttpConnection::framing() const {
  return {head_.http10, head_.request.method == "HEAD", keep_alive_};
}

HttpConnection::Next HttpConnection::readable(SteadyTime now) {
  may_read_ = true;
  return resume(now);
}

HttpConnection::Next HttpConnection::resume(SteadyTime now) {
  auto scratch = context_.scratch;
  for (int reads = 0;;) {
    Next next = advance(now);
    if (next != Next::wait || !reading() || !may_read_) return next;
    if (++reads > kReadsPerTurn) return Next::again;
    auto n = ::recv(fd_.get(), scratch.data(), scratch.size(), 0);
    if (n > 0) {
      in_.append(scratch.data(), static_cast<size_t>(n));
    } else if (n == 0) {
      return peer_closed();
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      may_read_ = false;
      return Next::wait;
    } else if (errno != EINTR) {
      return Next::close;
    }
  }
}

HttpConnection::Next HttpConnection::advance(SteadyTime now) {
  switch (phase_) {
    case Phase::idle: {
      // Line ends between requests (some clients end a body with one more) are not a request.
      auto start = in_.find_first_not_of("\r\n");
      in_.erase(0, std::min(start, in_.size()));
      if (in_.empty()) return Next::wait;
      phase_ = Phase::head;
      phase_start_ = now;
      scanned_ = 0;
      return read_head(now);
    }
    case Phase::head:
      return read_head(now);
    case Phase::body:
      return read_body(now);
    case Phase::lingering:
      in_.clear();
      return Next::wait;
    case Phase::admitting:
    case Phase::running:
    case Phase::writing:
      break;
  }
  return Next::wait;
}

HttpConnection::Next HttpConnection::read_head(SteadyTime now) {
  const auto& limits = context_.limits;
  request_start_ = phase_start_;
  auto end = find_head_end(in_, scanned_);
  if (!end && in_.size() <= limits.max_head) return Next::wait;
  if (!end || *end > limits.max_head)
    return fail(head_refused({431, fmt::format("the request's line and headers are over {} bytes",
                                               limits.max_head)}),
                now);
  auto parsed = parse_request_head(std::string_view(in_).substr(0, *end));
  in_.erase(0, *end);
  if (!parsed) return fail(head_refused(parsed.error()), now);
  head_ = std::move(*parsed);
  head_.request.client = client_;
  request_start_ = now;
  keep_alive_ = head_.keep_alive && answered_ + 1 < limits.keep_alive_requests && !stopping_;
  body_.clear();
  received_ = 0;
  chunks_ = ChunkedBody();
  admit_first_ = false;
  if (Api::is_upload(head_.request)) {
    phase_ = Phase::admitting;
    return Next::admit;
  }
  if (!head_.has_body()) {
    phase_ = Phase::running;
    return Next::run;
  }
  if (head_.content_length > limits.body.json) return fail(too_large(false, limits.body), now);
  if (head_.content_length && in_.size() >= *head_.content_length && !head_.expect_continue) {
    // The body came with its head: reading it cost nothing, and the worker admits the caller
    // before the API sees it.
    auto length = static_cast<size_t>(*head_.content_length);
    body_ = in_.substr(0, length);
    in_.erase(0, length);
    admit_first_ = true;
    phase_ = Phase::running;
    return Next::run;
  }
  phase_ = Phase::admitting;
  return Next::admit;
}

HttpConnection::Next HttpConnection::admitted(Admission admission, SteadyTime now) {
  if (admission.refusal) return send(std::move(*admission.refusal), true, now);
  upload_ = std::move(admission.upload);
  phase_ = Phase::body;
  phase_start_ = now;
  if (head_.content_length)
    body_.reserve(static_cast<size_t>(std::min<uint64_t>(*head_.content_length, 1 << 20)));
  if (head_.expect_continue && in_.empty()) {
    out_ += kContinue;
    if (flush(now) == Next::close) return Next::close;
  }
  return resume(now);
}

HttpConnection::Next HttpConnection::read_body(SteadyTime now) {
  std::string_view input = in_;
  bool whole = false;
  std::optional<HttpReply> refusal;
  while (!whole && !refusal) {
    std::string_view data;
    if (head_.chunked) {
      if (input.empty()) break;
      auto step = chunks_.read(input);
      if (step.state == ChunkedBody::State::malformed) {
        refusal = head_refused({400, "malformed chunked body"});
        break;
      }
      data = step.data;
      whole = step.state == ChunkedBody::State::done;
    } else {
      auto left = *head_.content_length - received_;
      data = input.substr(0, static_cast<size_t>(std::min<uint64_t>(left, input.size())));
      input.remove_prefix(data.size());
      whole = data.size() == left;
      if (data.empty() && !whole) break;
    }
    if (!data.empty()) refusal = take(data);
  }
  if (refusal) {
    // What is left of the body is read and dropped while the refusal goes out.
    in_.clear();
    upload_.reset();
    return fail(*refusal, now);
  }
  in_.erase(0, in_.size() - input.size());
  return whole ? body_read(now) : Next::wait;
}

std::optional<HttpReply> HttpConnection::take(std::string_view data) {
  const auto& limits = context_.limits.body;
  received_ += data.size();
  if (!upload_) {
    if (received_ > limits.json) return too_large(false, limits);
    body_.append(data);
    return std::nullopt;
  }
  if (received_ > limits.package) return too_large(true, limits);
  std::string error;
  if (!upload_->write(data, error))
    return error_reply({ErrorKind::internal, fmt::format("cannot keep the upload: {}", error)},
                       "PUT /api/v1/packages/{sha256}");
  return std::nullopt;
}

HttpConnection::Next HttpConnection::body_read(SteadyTime now) {
  std::string error;
  if (upload_ && !upload_->finish(error)) {
    upload_.reset();
    return fail(error_reply({ErrorKind::internal, fmt::format("cannot keep the upload: {}", error)},
                            "PUT /api/v1/packages/{sha256}"),
                now, false);
  }
  phase_ = Phase::running;
  return Next::run;
}

RunJob HttpConnection::take_run() {
  RunJob job;
  job.framing = framing();
  job.head = std::move(head_);
  job.head.request.body = std::move(body_);
  job.upload = std::move(upload_);
  upload_.reset();
  job.admit_first = admit_first_;
  job.start = request_start_;
  return job;
}

HttpConnection::Next HttpConnection::answered(WireAnswer answer, SteadyTime now) {
  return send(std::move(answer), false, now);
}

HttpConnection::Next HttpConnection::refuse_busy(SteadyTime now) { return fail(busy(), now); }

HttpConnection::Next HttpConnection::expired(SteadyTime now) {
  if (phase_ != Phase::head && phase_ != Phase::body) return Next::close;
  upload_.reset();
  // Closed at once, not lingering: a client this slow would hold the connection longer still.
  return fail(timed_out(), now, false);
}

bool HttpConnection::stop() {
  stopping_ = true;
  keep_alive_ = false;
  return !in_flight();
}

HttpConnection::Next HttpConnection::peer_closed() {
  // A request cut short gets no answer: nobody would read it.
  return Next::close;
}

HttpConnection::Next HttpConnection::fail(const HttpReply& reply, SteadyTime now, bool linger) {
  keep_alive_ = false;
  return send(front_answer(context_.metrics, reply, framing(), request_start_), linger, now);
}

HttpConnection::Next HttpConnection::send(WireAnswer answer, bool linger, SteadyTime now) {
  if (out_.empty())
    out_ = std::move(answer.bytes);
  else
    out_ += answer.bytes;
  close_after_ = answer.close || stopping_;
  linger_ = linger;
  phase_ = Phase::writing;
  phase_start_ = now;
  return flush(now);
}

HttpConnection::Next HttpConnection::writable(SteadyTime now) {
  return out_.empty() ? Next::wait : flush(now);
}

HttpConnection::Next HttpConnection::flush(SteadyTime now) {
  while (sent_ < out_.size()) {
    auto n = ::send(fd_.get(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (n >= 0) {
      sent_ += static_cast<size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return Next::wait;
    } else if (errno != EINTR) {
      return Next::close;
    }
  }
  // Given back, as the read buffer is between requests: a connection kept alive holds no
  // memory of its largest answer or body.
  out_ = std::string();
  sent_ = 0;
  // An interim answer (100 Continue) leaves the connection reading the body.
  return phase_ == Phase::writing ? written(now) : Next::wait;
}

HttpConnection::Next HttpConnection::written(SteadyTime now) {
  ++answered_;
  head_ = RequestHead();
  body_.clear();
  upload_.reset();
  phase_start_ = now;
  if (close_after_) {
    if (!linger_ || ::shutdown(fd_.get(), SHUT_WR) != 0) return Next::close;
    phase_ = Phase::lingering;
    in_.clear();
  } else {
    phase_ = Phase::idle;
    if (in_.empty()) in_ = std::string();
  }
  // A request pipelined behind this one may be read already, or be waiting in the socket.
  return resume(now);
}

}  // namespace beaver
