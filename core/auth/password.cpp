#include "auth/password.hpp"

#include <argon2.h>

#include <array>
#include <vector>

#include "auth/token.hpp"
#include "model/names.hpp"

namespace beaver {
namespace {

// RFC 9106's second recommended option (64 MiB, 3 passes), on one lane: a sign-in costs a core
// for about a tenth of a second, and failed ones are throttled before they cost that.
constexpr uint32_t kPasses = 3;
constexpr uint32_t kMemoryKib = 64 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kShortest = 10;
constexpr size_t kLongest = 1024;

}  // namespace

Result<void> check_password(std::string_view password) {
  if (password.size() < kShortest)
    return fail(ErrorKind::bad_input, "a password has at least {} characters", kShortest);
  if (password.size() > kLongest)
    return fail(ErrorKind::bad_input, "a password has at most {} bytes", kLongest);
  if (!valid_utf8(password)) return fail(ErrorKind::bad_input, "a password is UTF-8 text");
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7f)
      return fail(ErrorKind::bad_input, "a password has no control characters (a newline, a tab)");
  return {};
}

Result<std::string> hash_password(std::string_view password) {
  BEAVER_TRY(check_password(password));
  std::array<unsigned char, kSaltBytes> salt{};
  BEAVER_TRY(fill_random(salt.data(), salt.size()));
  std::vector<char> encoded(
      argon2_encodedlen(kPasses, kMemoryKib, kLanes, kSaltBytes, kHashBytes, Argon2_id));
  int rc =
      argon2id_hash_encoded(kPasses, kMemoryKib, kLanes, password.data(), password.size(),
                            salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    return fail(ErrorKind::internal, "cannot hash the password: {}", argon2_error_message(rc));
  return std::string(encoded.data());
}

bool password_matches(const std::string& hash, std::string_view password) {
  if (!hash.starts_with("$argon2id$")) return false;
  return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace beaver
