#include "auth/token.hpp"

#include <openssl/crypto.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "digest/sha256.hpp"

namespace beaver {
namespace {

constexpr std::string_view kPrefix = "bvr_";
constexpr std::string_view kSessionPrefix = "bvs_";
constexpr size_t kSecretBytes = 32;

std::optional<TokenParts> parse_parts(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return std::nullopt;
  text.remove_prefix(prefix.size());
  auto sep = text.find('_');
  if (sep == std::string_view::npos) return std::nullopt;
  TokenParts parts;
  auto [end, ec] = std::from_chars(text.data(), text.data() + sep, parts.id);
  if (ec != std::errc{} || end != text.data() + sep || parts.id <= 0) return std::nullopt;
  parts.secret = std::string(text.substr(sep + 1));
  if (parts.secret.size() != 2 * kSecretBytes) return std::nullopt;
  for (char c : parts.secret)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  return parts;
}

}  // namespace

Result<void> fill_random(unsigned char* data, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = getrandom(data + got, size - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorKind::internal, "no random bytes: {}", std::strerror(errno));
    got += static_cast<size_t>(n);
  }
  return {};
}

Result<std::string> new_token_secret() {
  std::array<unsigned char, kSecretBytes> bytes{};
  BEAVER_TRY(fill_random(bytes.data(), bytes.size()));
  std::string hex;
  for (unsigned char b : bytes) hex += fmt::format("{:02x}", b);
  return hex;
}

std::string token_text(int64_t id, const std::string& secret) {
  return fmt::format("{}{}_{}", kPrefix, id, secret);
}

Result<TokenParts> parse_token(std::string_view text) {
  if (auto parts = parse_parts(text, kPrefix)) return std::move(*parts);
  return fail(ErrorKind::unauthenticated,
              "not a beaver token (they look like bvr_12_...; create one with 'beaver token "
              "create')");
}

std::string session_text(int64_t id, const std::string& secret) {
  return fmt::format("{}{}_{}", kSessionPrefix, id, secret);
}

Result<TokenParts> parse_session(std::string_view text) {
  if (auto parts = parse_parts(text, kSessionPrefix)) return std::move(*parts);
  return fail(ErrorKind::unauthenticated, "your session has ended: sign in again");
}

std::string token_secret_hash(const std::string& secret) { return sha256_hex(secret); }

bool same_digest(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace beaver
