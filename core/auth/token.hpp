#pragma once
// API tokens as users hold them: "bvr_<id>_<secret>". The id finds the stored row without
// comparing secrets; the secret (256 random bits, hex) is checked against its stored SHA-256 in
// constant time. A secret that strong needs no slow hash: nobody can guess one from its digest.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "error/error.hpp"

namespace beaver {

struct TokenParts {
  int64_t id = 0;
  std::string secret;
};

// Fills `size` bytes at `data` from the kernel's random source.
Result<void> fill_random(unsigned char* data, size_t size);
// A fresh secret from the kernel's random source.
Result<std::string> new_token_secret();
std::string token_text(int64_t id, const std::string& secret);
// The parts of a token, or unauthenticated when it is not one of ours.
Result<TokenParts> parse_token(std::string_view text);
std::string token_secret_hash(const std::string& secret);
// A browser session's cookie value, "bvs_<id>_<secret>": made and checked as a token is.
std::string session_text(int64_t id, const std::string& secret);
Result<TokenParts> parse_session(std::string_view text);
// Whether two digests are equal, in time that does not depend on where they differ.
bool same_digest(const std::string& a, const std::string& b);

}  // namespace beaver
