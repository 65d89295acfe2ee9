#include "server/request_head.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace beaver;

namespace {
// The head parsed, or the status refusing it (as a string, so a check shows either).
std::string status_of(std::string_view text) {
  auto head = parse_request_head(text);
  return head ? "ok" : std::to_string(head.error().status);
}
}  // namespace

TEST_CASE("a head's end is found once its blank line has come, however it arrives") {
  std::string text = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /next";
  std::string buffer;
  size_t scanned = 0;
  std::optional<size_t> end;
  for (char c : text) {
    buffer += c;
    end = find_head_end(buffer, scanned);
    if (end) break;
  }
  REQUIRE(end);
  CHECK(*end == text.find("GET /next"));
  size_t fresh = 0;
  CHECK(find_head_end("GET / HTTP/1.1\nHost: x\n\nrest", fresh) == 24);
}

TEST_CASE("a head gives the API its method, path, query and token") {
  auto head = parse_request_head(
      "POST /api/v1/releases?limit=5&env=prod HTTP/1.1\r\nAuthorization: Bearer t\r\n"
      "Content-Length: 12\r\n\r\n");
  REQUIRE(head);
  CHECK(head->request.method == "POST");
  CHECK(head->request.path == "/api/v1/releases");
  CHECK(head->request.query.at("limit") == "5");
  CHECK(head->request.query.at("env") == "prod");
  CHECK(head->request.authorization == "Bearer t");
  CHECK(head->content_length == 12);
  CHECK(head->has_body());
  CHECK(head->keep_alive);
  CHECK_FALSE(head->http10);
}

TEST_CASE("HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked") {
  CHECK(parse_request_head("GET / HTTP/1.1\r\n\r\n")->keep_alive);
  CHECK_FALSE(parse_request_head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")->keep_alive);
  CHECK_FALSE(parse_request_head("GET / HTTP/1.1\r\nConnection: TE, close\r\n\r\n")->keep_alive);
  CHECK_FALSE(parse_request_head("GET / HTTP/1.0\r\n\r\n")->keep_alive);
  CHECK(parse_request_head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")->keep_alive);
}

TEST_CASE("a body by chunks, and 100-continue, are read from the head") {
  auto head = parse_request_head(
      "PUT /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\nExpect: 100-continue\r\n\r\n");
  REQUIRE(head);
  CHECK(head->chunked);
  CHECK(head->expect_continue);
  CHECK(head->has_body());
  CHECK_FALSE(
      parse_request_head("PUT /x HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")->expect_continue);
  CHECK_FALSE(parse_request_head("GET /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n")->has_body());
}

TEST_CASE("a body's length said twice, both ways, or not as a number is refused") {
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n") == "400");
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        "400");
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == "400");
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n") == "400");
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") == "400");
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n") == "400");
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == "501");
}

TEST_CASE("a head that is no HTTP/1.x request is refused") {
  CHECK(status_of("GET / HTTP/2.0\r\n\r\n") == "505");
  CHECK(status_of("GET / SPDY/3\r\n\r\n") == "400");
  CHECK(status_of("GARBAGE\r\n\r\n") == "400");
  CHECK(status_of("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n") == "400");
}
