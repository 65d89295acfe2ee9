#pragma once
// People's passwords, for signing in on the web pages: kept only as argon2id hashes (RFC 9106),
// each with its own random salt, in the PHC string form that names its costs, so that costs
// raised later still verify the hashes made before.

#include <string>
#include <string_view>

#include "error/error.hpp"

namespace beaver {

// Whether `password` may be set: 10 to 1024 bytes of UTF-8 text with no control characters.
// The error says what is wrong, never the password.
Result<void> check_password(std::string_view password);
// The argon2id hash of `password`, with a fresh salt: "$argon2id$v=19$m=65536,t=3,p=1$...".
Result<std::string> hash_password(std::string_view password);
// Whether `password` is the one `hash` was made from; false for a hash that is not argon2id.
bool password_matches(const std::string& hash, std::string_view password);

}  // namespace beaver
