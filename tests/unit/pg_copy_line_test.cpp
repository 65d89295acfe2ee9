// COPY's text format as PostgreSQL writes it (src/backend/commands/copyto.c): fields split by
// tabs, NULL as \N, and backslash escapes for the characters that would break a line.

#include <doctest/doctest.h>

#include "store/pg.hpp"

using beaver::pg::split_copy_line;
using Fields = std::vector<std::optional<std::string_view>>;

TEST_CASE("a COPY line splits into its fields, NULLs and empty fields apart") {
  Fields f;
  std::string decoded;
  split_copy_line("42\tdeployed\t\\N\t\t2026-11-24T07:27:33Z", f, decoded);
  CHECK(f == Fields{"42", "deployed", std::nullopt, "", "2026-11-24T07:27:33Z"});
  split_copy_line("", f, decoded);  // one empty field, as a one-column row of ''
  CHECK(f == Fields{std::string_view{}});
  split_copy_line("a\t", f, decoded);
  CHECK(f == Fields{"a", ""});
}

TEST_CASE("escaped characters are decoded, and each field keeps its own text") {
  Fields f;
  std::string decoded;
  // A tab, a newline, a backslash, the letters N and \N inside a longer field: only a whole \N
  // is NULL.
  split_copy_line("x\\ty\t\\\\N\ta\\nb\\\\c\t\\N\\N\t\\b\\f\\r\\v", f, decoded);
  CHECK(f == Fields{"x\ty", "\\N", "a\nb\\c", "NN", "\b\f\r\v"});
  // Reused: nothing of the last line is left.
  split_copy_line("plain\t\\\\", f, decoded);
  CHECK(f == Fields{"plain", "\\"});
}
