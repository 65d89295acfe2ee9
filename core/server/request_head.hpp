#pragma once
// A request's line and headers, read off the wire before its body: what the front needs to read
// the rest (its length or its chunks), to keep the connection or not, and what the API needs
// (method, path, query, token). Poco's HTTPRequest parses them within its limits (a method of 32
// characters, a target of 16 KiB, 100 fields of 8 KiB).

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_message.hpp"

namespace beaver {

struct RequestHead {
  HttpRequest request;  // without its body
  bool http10 = false;
  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
  bool keep_alive = true;
  bool expect_continue = false;  // "Expect: 100-continue" (HTTP/1.1 only)
  bool chunked = false;          // "Transfer-Encoding: chunked"
  std::optional<uint64_t> content_length;

  bool has_body() const { return chunked || content_length.value_or(0) > 0; }
};

// Why a head is refused: the status to answer (400 malformed, 501 a transfer coding other than
// chunked, 505 a version other than HTTP/1.0 and 1.1) and what to say.
struct HeadRefusal {
  int status = 400;
  std::string message;
};

// Where the head at the start of `buffer` ends (the index past its blank line), or nothing while
// its blank line has not come. `scanned` is where the search resumes on the next call with the
// same buffer grown, so a head arriving a byte at a time is read once; 0 for a new head.
std::optional<size_t> find_head_end(std::string_view buffer, size_t& scanned);

// The head `text` (up to its blank line, no CR or LF before it), or why it is refused. A body
// declared both by length and by chunks, two lengths, or a length that is no number are refused:
// a proxy in front might read them another way.
std::expected<RequestHead, HeadRefusal> parse_request_head(std::string_view text);

}  // namespace beaver
