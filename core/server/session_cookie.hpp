#pragma once
// The session cookie of people signed in on the web pages: its name, reading it from a Cookie
// header, and the Set-Cookie headers that give and take it back.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace beaver {

inline constexpr std::string_view kSessionPath = "/api/v1/session";
inline constexpr std::string_view kSessionCookie = "beaver_session";

// The session cookie's value in a Cookie header, if it has one.
std::optional<std::string> session_cookie(std::string_view header);
// HttpOnly, so no script reads it; SameSite=Lax, so no other site's form sends it; Secure when
// the server is reached over https.
std::string set_session_cookie(const std::string& value, std::chrono::seconds lifetime,
                               bool secure);
std::string clear_session_cookie(bool secure);

}  // namespace beaver
