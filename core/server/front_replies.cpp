#include "server/front_replies.hpp"

#include <fmt/format.h>

#include "server/http_error.hpp"

namespace beaver {

HttpReply too_large(bool upload, const BodyLimits& limits) {
  auto reply =
      upload ? error_reply({ErrorKind::bad_input,
                            fmt::format("the package is over the limit of {} bytes (beaver serve "
                                        "--max-package-mib)",
                                        limits.package)},
                           "PUT /api/v1/packages/{sha256}")
             : error_reply({ErrorKind::bad_input,
                            fmt::format("the body is over the limit of {} bytes", limits.json)},
                           "too large");
  reply.status = 413;
  return reply;
}

HttpReply head_refused(const HeadRefusal& refusal) {
  auto reply = error_reply({ErrorKind::bad_input, refusal.message}, "bad request");
  reply.status = refusal.status;
  return reply;
}

HttpReply timed_out() {
  auto reply = error_reply({ErrorKind::bad_input,
                            "the request did not arrive in time (beaver serve --header-timeout, "
                            "--body-min-rate-kib, --body-timeout)"},
                           "timeout");
  reply.status = 408;
  return reply;
}

HttpReply busy() {
  HttpReply reply;
  reply.status = 503;
  reply.route = "busy";
  reply.body =
      R"({"error":{"kind":"unavailable","message":"the server is busy: try again in a moment"}})";
  reply.headers.emplace_back("Retry-After", "1");
  return reply;
}

}  // namespace beaver
