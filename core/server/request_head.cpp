#include "server/request_head.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <fmt/format.h>

#include <charconv>
#include <sstream>

namespace beaver {
namespace {

std::unexpected<HeadRefusal> refuse(int status, std::string message) {
  return std::unexpected(HeadRefusal{status, std::move(message)});
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Poco::icompare(std::string(a), std::string(b)) == 0;
}

// Whether the comma-separated list `value` (a Connection header) holds `token`.
bool lists(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    if (same_word(trimmed(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::optional<size_t> find_head_end(std::string_view buffer, size_t& scanned) {
  for (;;) {
    auto newline = buffer.find('\n', scanned);
    if (newline == std::string_view::npos) return std::nullopt;
    auto line = buffer.substr(scanned, newline - scanned);
    bool first = scanned == 0;
    scanned = newline + 1;
    if (!first && (line.empty() || line == "\r")) return newline + 1;
  }
}

std::expected<RequestHead, HeadRefusal> parse_request_head(std::string_view text) {
  Poco::Net::HTTPRequest parsed;
  try {
    std::istringstream in{std::string(text)};
    parsed.read(in);
  } catch (const Poco::Exception& e) {
    return refuse(400, fmt::format("malformed request head: {}", e.displayText()));
  }
  RequestHead head;
  const auto& version = parsed.getVersion();
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (version.starts_with("HTTP/")) return refuse(505, fmt::format("{} is not served", version));
    return refuse(400, "malformed request line");
  }
  head.http10 = version == "HTTP/1.0";

  HttpRequest& r = head.request;
  r.method = parsed.getMethod();
  try {
    Poco::URI uri(parsed.getURI());
    r.path = uri.getPath();
    for (auto& [key, value] : uri.getQueryParameters()) r.query[key] = value;
  } catch (const Poco::Exception&) {
    return refuse(400, "malformed request URI");
  }
  r.authorization = parsed.get("Authorization", "");
  r.cookie = parsed.get("Cookie", "");
  r.csrf = parsed.get("X-CSRF-Token", "");

  int lengths = 0, codings = 0;
  std::string connection;
  for (const auto& [name, value] : parsed) {
    if (same_word(name, "Content-Length")) {
      ++lengths;
      auto digits = trimmed(value);
      uint64_t n = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (digits.empty() || digits.front() == '+' || ec != std::errc{} ||
          end != digits.data() + digits.size())
        return refuse(400, "malformed Content-Length");
      head.content_length = n;
    } else if (same_word(name, "Transfer-Encoding")) {
      ++codings;
      if (!same_word(trimmed(value), "chunked"))
        return refuse(501, fmt::format("Transfer-Encoding {} is not served (only chunked)",
                                       std::string(trimmed(value))));
      head.chunked = true;
    } else if (same_word(name, "Connection")) {
      connection += value + ",";
    } else if (same_word(name, "Expect")) {
      head.expect_continue = !head.http10 && same_word(trimmed(value), "100-continue");
    }
  }
  if (lengths > 1) return refuse(400, "more than one Content-Length");
  if (codings > 1) return refuse(400, "more than one Transfer-Encoding");
  if (lengths > 0 && codings > 0) return refuse(400, "both Content-Length and Transfer-Encoding");
  head.keep_alive =
      !lists(connection, "close") && (!head.http10 || lists(connection, "keep-alive"));
  return head;
}

}  // namespace beaver
