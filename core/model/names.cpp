#include "model/names.hpp"

namespace beaver {
namespace {

constexpr size_t kMaxName = 64;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Counts UTF-8 sequences; false on a malformed one.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

}  // namespace

Result<void> check_name(std::string_view what, std::string_view value) {
  if (value.empty()) return fail(ErrorKind::bad_input, "{} name is empty", what);
  if (value.size() > kMaxName)
    return fail(ErrorKind::bad_input, "{} name is longer than {} characters", what, kMaxName);
  if (!is_alnum(value.front()))
    return fail(ErrorKind::bad_input, "{} '{}' must start with a letter or a digit", what, value);
  for (char c : value)
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-')
      return fail(ErrorKind::bad_input, "{} '{}' may hold only letters, digits, '.', '_' and '-'",
                  what, value);
  return {};
}

Result<void> check_commit(std::string_view value) {
  bool hex = value.size() >= 7 && value.size() <= 64;
  for (char c : value) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex)
    return fail(ErrorKind::bad_input,
                "commit '{}' is not a git commit id (7 to 64 lowercase hex digits)", value);
  return {};
}

Result<void> check_text(std::string_view what, std::string_view value, size_t max,
                        bool may_be_empty) {
  bool blank = value.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank && !may_be_empty) return fail(ErrorKind::bad_input, "{} is empty", what);
  if (value.size() > max)
    return fail(ErrorKind::bad_input, "{} is longer than {} bytes", what, max);
  if (!valid_utf8(value)) return fail(ErrorKind::bad_input, "{} is not valid UTF-8", what);
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
      return fail(ErrorKind::bad_input, "{} holds a control character", what);
  return {};
}

}  // namespace beaver
