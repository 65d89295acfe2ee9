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
  std::string message;
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
