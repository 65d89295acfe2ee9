#pragma once
// A reply as the bytes sent back: status line, the server's own headers (Server, Date,
// Content-Type, Content-Length, Connection), the handler's, then the body.

#include <string>
#include <string_view>

#include "server/http_message.hpp"

namespace beaver {

struct ReplyFraming {
  bool http10 = false;     // answered as HTTP/1.0, to a client speaking it
  bool head = false;       // a HEAD request: the length said, no body sent
  bool keep_alive = true;  // the connection carries another request after this one
};

std::string wire_reply(const HttpReply& reply, const ReplyFraming& framing);

// The interim answer to "Expect: 100-continue", sent once the body may come.
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace beaver
