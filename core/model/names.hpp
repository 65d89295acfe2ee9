#pragma once
// Strict patterns for every name that is stored and may later reach a path or a command line:
// letters, digits, '.', '_' and '-', starting with a letter or digit, bounded length.

#include <cstdint>
#include <string>
#include <string_view>

#include "error/error.hpp"
#include "model/user.hpp"

namespace beaver {

// `what` names the thing in the error ("service", "environment", "version", "user", "team").
Result<void> check_name(std::string_view what, std::string_view value);

// An e-mail address as a plain addr-spec, "local@domain": a dot-atom local part (letters, digits,
// !#$%&'*+/=?^_`{|}~- and single dots) and a domain of dot-separated host labels; no display name,
// quoting, comments, spaces or commas, so it can go into an SMTP command as it is.
Result<void> check_email(std::string_view what, std::string_view value);
// "KIND:ID", a user's id in chat: a kind of all_im_kinds_text() and 1 to 64 letters, digits and
// '.', '_', '-', '+', '@'. "KIND:" (no id) is read too, and means none.
Result<ImId> parse_im(std::string_view entry);

// The id of a record (`what`: "release", "deploy", "token") as typed: a positive decimal number.
Result<int64_t> parse_id(std::string_view what, std::string_view text);

// A git commit id: 7 to 64 hexadecimal digits.
Result<void> check_commit(std::string_view value);

// Free text (reason, comment, notes, labels): not empty unless allowed, at most `max` bytes,
// valid UTF-8 without control characters (C0 other than newline and tab, DEL, C1) and without
// the bidirectional embeddings, overrides and isolates; a refusal names the character.
Result<void> check_text(std::string_view what, std::string_view value, size_t max,
                        bool may_be_empty);

// The length of the well-formed UTF-8 sequence starting at byte `i` of `s`, or 0 when it is
// malformed (overlong, a surrogate, past U+10FFFF, cut short).
size_t utf8_sequence_at(std::string_view s, size_t i);
bool valid_utf8(std::string_view s);
// The character starting at byte `i` of `s` (i < s.size()), named for a message: "'$'",
// "a space", "a tab", "'é' (U+00E9)", "the control character U+0007", or "the byte 0xE9" where
// the UTF-8 is malformed.
std::string char_named(std::string_view s, size_t i);
// `s` as text any store keeps byte for byte: each malformed UTF-8 byte and each NUL becomes
// U+FFFD. For bytes from outside (a host's command output, a server's reply) before they are
// recorded: PostgreSQL refuses malformed UTF-8, and libpq ends a parameter at a NUL.
std::string recordable_text(std::string_view s);
// `s` as text safe to show people: each malformed byte, control character (C0 but the tab, and
// the newline when `keep_newlines`; DEL; C1) and bidirectional embedding, override or isolate
// becomes U+FFFD. For text from outside that is kept rather than refused (monitoring's alerts,
// configuration files).
std::string displayable_text(std::string_view s, bool keep_newlines);
// `s` with its ASCII letters in lower case, as names compared in any case are (severities, host
// names); other characters as they are.
std::string ascii_lower(std::string_view s);

}  // namespace beaver
