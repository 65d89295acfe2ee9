#include "model/names.hpp"

#include <charconv>

namespace beaver {
namespace {

constexpr size_t kMaxName = 64;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_atext(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

// Non-empty parts separated by single dots, each of characters that `allowed` takes.
template <typename Allowed>
bool dotted(std::string_view s, Allowed allowed) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' ? s[i + 1] == '.' : !allowed(s[i])) return false;
  }
  return true;
}

}  // namespace

size_t utf8_sequence_at(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto c = byte(i);
  if (c < 0x80) return 1;
  // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

std::string recordable_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_at(s, i);
    if (n == 0 || s[i] == '\0') {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_at(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

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

Result<void> check_email(std::string_view what, std::string_view value) {
  auto at = value.rfind('@');
  bool ok = at != std::string_view::npos && value.size() <= 254 && at <= 64;
  if (ok) {
    auto local = value.substr(0, at), domain = value.substr(at + 1);
    ok = dotted(local, is_atext) && dotted(domain, [](char c) { return is_alnum(c) || c == '-'; });
    // A host label neither starts nor ends with '-'.
    for (size_t i = 0; ok && i < domain.size(); ++i)
      if (domain[i] == '-')
        ok = i > 0 && domain[i - 1] != '.' && i + 1 < domain.size() && domain[i + 1] != '.';
  }
  if (!ok)
    return fail(ErrorKind::bad_input,
                "{} '{}' is not an e-mail address like name@example.com (no spaces, commas or "
                "display name)",
                what, value);
  return {};
}

Result<ImId> parse_im(std::string_view entry) {
  auto colon = entry.find(':');
  auto kind = entry.substr(0, colon);
  if (colon == std::string_view::npos || !is_im_kind(kind))
    return fail(ErrorKind::bad_input, "chat id '{}' is not KIND:ID with a kind of {}", entry,
                all_im_kinds_text());
  auto id = entry.substr(colon + 1);
  bool ok = id.size() <= 64;
  for (char c : id)
    ok = ok && (is_alnum(c) || std::string_view("._-+@").find(c) != std::string_view::npos);
  if (!ok)
    return fail(ErrorKind::bad_input,
                "chat id '{}' may hold only 1 to 64 letters, digits, '.', '_', '-', '+' and '@' "
                "after '{}:'",
                entry, kind);
  return ImId{std::string(kind), std::string(id)};
}

Result<void> check_commit(std::string_view value) {
  bool hex = value.size() >= 7 && value.size() <= 64;
  for (char c : value) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex)
    return fail(ErrorKind::bad_input,
                "commit '{}' is not a git commit id (7 to 64 lowercase hex digits)", value);
  return {};
}

namespace {

// The code point of the well-formed sequence of `n` bytes at `i`.
char32_t code_point_at(std::string_view s, size_t i, size_t n) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (n == 1) return byte(0);
  char32_t c = byte(0) & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) c = (c << 6) | (byte(k) & 0x3F);
  return c;
}

// The formatting characters that make text display in another order than it is stored
// ("Trojan Source"): the embeddings and overrides, and the isolates.
const char* bidi_control_name(char32_t c) {
  switch (c) {
    case 0x202A:
      return "LEFT-TO-RIGHT EMBEDDING";
    case 0x202B:
      return "RIGHT-TO-LEFT EMBEDDING";
    case 0x202C:
      return "POP DIRECTIONAL FORMATTING";
    case 0x202D:
      return "LEFT-TO-RIGHT OVERRIDE";
    case 0x202E:
      return "RIGHT-TO-LEFT OVERRIDE";
    case 0x2066:
      return "LEFT-TO-RIGHT ISOLATE";
    case 0x2067:
      return "RIGHT-TO-LEFT ISOLATE";
    case 0x2068:
      return "FIRST STRONG ISOLATE";
    case 0x2069:
      return "POP DIRECTIONAL ISOLATE";
    default:
      return nullptr;
  }
}

}  // namespace

Result<void> check_text(std::string_view what, std::string_view value, size_t max,
                        bool may_be_empty) {
  bool blank = value.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank && !may_be_empty) return fail(ErrorKind::bad_input, "{} is empty", what);
  if (value.size() > max)
    return fail(ErrorKind::bad_input, "{} is longer than {} bytes", what, max);
  for (size_t i = 0; i < value.size();) {
    size_t n = utf8_sequence_at(value, i);
    if (n == 0) return fail(ErrorKind::bad_input, "{} is not valid UTF-8", what);
    char32_t c = code_point_at(value, i, n);
    if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F))
      return fail(ErrorKind::bad_input, "{} holds the control character U+{:04X}", what,
                  static_cast<uint32_t>(c));
    if (const char* name = bidi_control_name(c))
      return fail(ErrorKind::bad_input,
                  "{} holds U+{:04X} {}, which shows text in another order than it is written",
                  what, static_cast<uint32_t>(c), name);
    i += n;
  }
  return {};
}

std::string displayable_text(std::string_view s, bool keep_newlines) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_at(s, i);
    char32_t c = n == 0 ? 0xFFFD : code_point_at(s, i, n);
    bool control =
        (c < 0x20 && c != '\t' && !(keep_newlines && c == '\n')) || (c >= 0x7F && c <= 0x9F);
    if (n == 0 || control || bidi_control_name(c) != nullptr)
      out += "\uFFFD";
    else
      out.append(s.substr(i, n));
    i += n == 0 ? 1 : n;
  }
  return out;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string char_named(std::string_view s, size_t i) {
  size_t n = utf8_sequence_at(s, i);
  if (n == 0) return fmt::format("the byte 0x{:02X}", static_cast<unsigned char>(s[i]));
  char32_t c = code_point_at(s, i, n);
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
    return fmt::format("the control character U+{:04X}", static_cast<uint32_t>(c));
  if (n == 1) return fmt::format("'{}'", s[i]);
  return fmt::format("'{}' (U+{:04X})", s.substr(i, n), static_cast<uint32_t>(c));
}

Result<int64_t> parse_id(std::string_view what, std::string_view text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0)
    return fail(ErrorKind::bad_input, "'{}' is not a {} id (a positive number)", text, what);
  return id;
}

}  // namespace beaver
