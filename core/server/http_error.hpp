#pragma once
// An error as an HTTP reply: each ErrorKind has one status, and the body says the kind and the
// message, so a client (the remote CLI among them) gets back the error the ledger gave.

#include <string>
#include <string_view>

#include "error/error.hpp"
#include "server/http_message.hpp"

namespace beaver {

// 400 bad_input, 401 unauthenticated, 403 refused, 404 not_found, 409 conflict,
// 503 unavailable, 500 internal.
int http_status(ErrorKind kind);

// The body of an error reply: {"error": {"kind": ..., "message": ...}}. A status of 500 or more is
// also logged on stderr; an unauthenticated one carries the WWW-Authenticate header.
HttpReply error_reply(const Error& error, std::string route = "");

// A failure of the server's own (a database down or not answering, a fault), on stderr for
// whoever runs the server.
void log_failure(std::string_view route, int status, const std::string& message);

}  // namespace beaver
