#pragma once
// Expected failures are values: every core operation returns Result<T>, whose Error carries a
// kind (mapped to one exit code and one HTTP status by the front ends) and a message a user can
// act on.

#include <fmt/format.h>

#include <expected>
#include <string>
#include <utility>

namespace beaver {

enum class ErrorKind {
  bad_input,        // malformed arguments or files: exit 2, HTTP 400
  refused,          // a rule or a role says no: exit 1, HTTP 403
  not_found,        // no such release, user, ...: exit 1, HTTP 404
  conflict,         // wrong state for the action, or already exists: exit 1, HTTP 409
  unauthenticated,  // unknown acting user or token: exit 1, HTTP 401
  unavailable,      // database locked or down: exit 1, HTTP 503
  internal,         // a bug or an unexpected library failure: exit 1, HTTP 500
};

struct Error {
  ErrorKind kind;
  std::string message;  // says what is wrong in the problem's own words, never a front end's
  // The field of the request at fault ("category"), when one is: each front end names it its
  // own way (the command line as its flag, the API as the JSON field).
  std::string field{};
};

template <class T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected(Error{kind, std::move(message)});
}

template <class... Args>
std::unexpected<Error> fail(ErrorKind kind, fmt::format_string<Args...> f, Args&&... args) {
  return std::unexpected(Error{kind, fmt::format(f, std::forward<Args>(args)...)});
}

// Bad input in the request's field `field`.
template <class... Args>
std::unexpected<Error> bad_field(std::string field, fmt::format_string<Args...> f, Args&&... args) {
  return std::unexpected(
      Error{ErrorKind::bad_input, fmt::format(f, std::forward<Args>(args)...), std::move(field)});
}

// `result`, its error (if any) said to be about the field `field`.
template <class T>
std::expected<T, Error> in_field(std::string field, std::expected<T, Error> result) {
  if (!result && result.error().field.empty()) result.error().field = std::move(field);
  return result;
}

// The process exit code for an error, as the command line contract states.
inline int exit_code(ErrorKind kind) { return kind == ErrorKind::bad_input ? 2 : 1; }

}  // namespace beaver

// Returns early from a function returning Result<...> when `expr` (a Result) holds an error.
#define BEAVER_TRY(expr) BEAVER_TRY_IMPL(expr, BEAVER_CONCAT(beaver_try_, __COUNTER__))
#define BEAVER_CONCAT(a, b) BEAVER_CONCAT_IMPL(a, b)
#define BEAVER_CONCAT_IMPL(a, b) a##b
#define BEAVER_TRY_IMPL(expr, name)                                                 \
  do {                                                                              \
    if (auto name = (expr); !name) return std::unexpected(std::move(name.error())); \
  } while (0)
