#pragma once
// The answers the HTTP front gives on its own, without the API: a head it cannot read, a body
// over its limit, a request over its deadline, a server too busy to queue one more.

#include <cstdint>
#include <filesystem>

#include "server/http_message.hpp"
#include "server/request_head.hpp"

namespace beaver {

struct BodyLimits {
  size_t json = 1 << 20;            // a JSON request's body
  uint64_t package = 512ull << 20;  // an upload's
  std::filesystem::path uploads;    // where an upload's body is written, beside the packages
};

// 413, saying the limit (`upload`: the package's, else a JSON body's).
HttpReply too_large(bool upload, const BodyLimits& limits);
// 400, 431, 501 or 505: a head that is not served, and why.
HttpReply head_refused(const HeadRefusal& refusal);
// 408: the request did not arrive within its deadline.
HttpReply timed_out();
// 503: the queue of requests waiting for a worker is full. Not logged: under overload that would
// be one more line per request refused.
HttpReply busy();

}  // namespace beaver
