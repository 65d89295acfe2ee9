#include "server/wire_reply.hpp"

#include <Poco/Net/HTTPResponse.h>
#include <fmt/format.h>
#include <time.h>

#include <iterator>

namespace beaver {
namespace {

// The Date header's value (RFC 9110's IMF-fixdate), made once a second per thread.
std::string_view http_date() {
  thread_local time_t made = -1;
  thread_local char text[40];
  time_t now = ::time(nullptr);
  if (now != made) {
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    made = now;
  }
  return text;
}

}  // namespace

std::string wire_reply(const HttpReply& reply, const ReplyFraming& framing) {
  std::string out;
  out.reserve(256 + reply.body.size());
  auto to = std::back_inserter(out);
  auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status);
  fmt::format_to(to, "{} {} {}\r\nServer: beaver\r\nDate: {}\r\n",
                 framing.http10 ? "HTTP/1.0" : "HTTP/1.1", reply.status,
                 Poco::Net::HTTPResponse::getReasonForStatus(status), http_date());
  if (!reply.content_type.empty()) fmt::format_to(to, "Content-Type: {}\r\n", reply.content_type);
  fmt::format_to(to, "Content-Length: {}\r\n", reply.body.size());
  for (const auto& [name, value] : reply.headers) fmt::format_to(to, "{}: {}\r\n", name, value);
  if (!framing.keep_alive)
    out += "Connection: close\r\n";
  else if (framing.http10)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  if (!framing.head) out += reply.body;
  return out;
}

}  // namespace beaver
