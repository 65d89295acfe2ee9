#include "server/chunked_body.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace beaver;

namespace {
// Feeds `wire` to a decoder in pieces of `piece` bytes; the body, "malformed", or "more".
std::string decode(std::string_view wire, size_t piece, std::string* rest = nullptr) {
  ChunkedBody chunks;
  std::string body;
  while (!wire.empty()) {
    std::string_view input = wire.substr(0, piece);
    wire.remove_prefix(input.size());
    for (;;) {
      auto step = chunks.read(input);
      body += step.data;
      if (step.state == ChunkedBody::State::malformed) return "malformed";
      if (step.state == ChunkedBody::State::done) {
        if (rest) *rest = std::string(input) + std::string(wire);
        return body;
      }
      if (input.empty()) break;
    }
  }
  return "more";
}
}  // namespace

TEST_CASE("a chunked body is the same however its bytes are split") {
  std::string wire = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\nGET /next";
  for (size_t piece : {1, 2, 3, 7, 100}) {
    std::string rest;
    CHECK(decode(wire, piece, &rest) == "hello, world");
    CHECK(rest == "GET /next");
  }
}

TEST_CASE("a chunked body cut short asks for more") {
  CHECK(decode("5\r\nhel", 100) == "more");
  CHECK(decode("5\r\nhello\r\n0\r\n", 100) == "more");
}

TEST_CASE("a chunked body with bad framing is malformed") {
  CHECK(decode("x\r\nhello\r\n0\r\n\r\n", 100) == "malformed");
  CHECK(decode("5\r\nhelloXX\r\n0\r\n\r\n", 100) == "malformed");
  CHECK(decode("\r\n", 100) == "malformed");
  CHECK(decode("1000000000000000\r\n", 100) == "malformed");
  CHECK(decode(std::string(5000, '1'), 100) == "malformed");
  CHECK(decode("0\r\n" + std::string(9000, 'x') + "\r\n\r\n", 100) == "malformed");
}
