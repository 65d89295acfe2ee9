#include "server/session_cookie.hpp"

#include <fmt/core.h>

namespace beaver {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string attributes(std::chrono::seconds lifetime, bool secure) {
  return fmt::format("; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}", lifetime.count(),
                     secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> session_cookie(std::string_view header) {
  while (!header.empty()) {
    auto end = header.find(';');
    auto pair = trimmed(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || trimmed(pair.substr(0, eq)) != kSessionCookie) continue;
    return std::string(trimmed(pair.substr(eq + 1)));
  }
  return std::nullopt;
}

std::string set_session_cookie(const std::string& value, std::chrono::seconds lifetime,
                               bool secure) {
  return fmt::format("{}={}{}", kSessionCookie, value, attributes(lifetime, secure));
}

std::string clear_session_cookie(bool secure) {
  return fmt::format("{}={}", kSessionCookie, attributes(std::chrono::seconds(0), secure));
}

}  // namespace beaver
