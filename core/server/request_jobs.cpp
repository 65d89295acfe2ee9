#include "server/request_jobs.hpp"

#include <fmt/format.h>

#include "server/api.hpp"
#include "server/http_error.hpp"

namespace beaver {
namespace {

WireAnswer to_wire(Metrics& metrics, const HttpReply& reply, const ReplyFraming& framing,
                   SteadyTime start) {
  metrics.observe(reply.route.empty() ? "other" : reply.route, reply.status,
                  std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start));
  return {wire_reply(reply, framing), !framing.keep_alive};
}

Admission refuse(Metrics& metrics, const HttpReply& reply, const RequestHead& head,
                 SteadyTime start) {
  ReplyFraming framing{head.http10, head.request.method == "HEAD", false};
  return {to_wire(metrics, reply, framing, start), std::nullopt};
}

Admission admit(Api& api, Metrics& metrics, const RequestHead& head, const BodyLimits& limits,
                SteadyTime start) {
  const HttpRequest& r = head.request;
  if (!Api::is_upload(r)) {
    if (auto refused = api.admit(r)) return refuse(metrics, *refused, head, start);
    return {};
  }
  const std::string route = "PUT /api/v1/packages/{sha256}";
  if (auto refused = api.admit_upload(r)) return refuse(metrics, *refused, head, start);
  if (!head.content_length && !head.chunked)
    return refuse(
        metrics,
        error_reply({ErrorKind::bad_input, "send the package's .tar.gz as the body"}, route), head,
        start);
  if (head.content_length && *head.content_length > limits.package)
    return refuse(metrics, too_large(true, limits), head, start);
  auto file = UploadFile::create(limits.uploads);
  if (!file)
    return refuse(metrics, error_reply({ErrorKind::internal, file.error()}, route), head, start);
  return {std::nullopt, std::move(*file)};
}

HttpReply internal_error(const std::exception& e) {
  // As Api::handle does for the routes: a fault answers this request, not the whole server.
  return error_reply({ErrorKind::internal, fmt::format("internal error: {}", e.what())},
                     "internal");
}

}  // namespace

Admission admit_body(Api& api, Metrics& metrics, const RequestHead& head, const BodyLimits& limits,
                     SteadyTime start) {
  try {
    return admit(api, metrics, head, limits, start);
  } catch (const std::exception& e) {
    return refuse(metrics, internal_error(e), head, start);
  }
}

WireAnswer run_request(Api& api, Metrics& metrics, RunJob job) {
  HttpRequest& r = job.head.request;
  if (job.upload) r.body_file = job.upload->path();
  HttpReply reply;
  try {
    auto refused = job.admit_first ? api.admit(r) : std::nullopt;
    reply = refused ? std::move(*refused) : api.handle(r);
  } catch (const std::exception& e) {
    reply = internal_error(e);
  }
  return to_wire(metrics, reply, job.framing, job.start);
}

WireAnswer front_answer(Metrics& metrics, const HttpReply& reply, const ReplyFraming& framing,
                        SteadyTime start) {
  return to_wire(metrics, reply, framing, start);
}

}  // namespace beaver
