#include "password_input.hpp"

#include <fmt/core.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>

namespace beaver::cli {
namespace {

// One line from the terminal on standard input, with its echo off meanwhile.
std::optional<std::string> read_hidden(const std::string& prompt) {
  fmt::print(stderr, "{}", prompt);
  std::fflush(stderr);
  termios before{};
  bool hidden = tcgetattr(STDIN_FILENO, &before) == 0;
  if (hidden) {
    termios quiet = before;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (hidden) tcsetattr(STDIN_FILENO, TCSAFLUSH, &before);
  if (!got) return std::nullopt;
  return line;
}

}  // namespace

Result<std::string> read_new_password(const std::string& user, bool from_stdin) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line))
      return fail(ErrorKind::bad_input, "no password on standard input");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (isatty(STDIN_FILENO) == 0)
    return fail(ErrorKind::bad_input,
                "no terminal to ask for the password: give it on standard input with "
                "--password-stdin");
  auto first = read_hidden(fmt::format("New password for {}: ", user));
  if (!first) return fail(ErrorKind::bad_input, "no password given");
  auto again = read_hidden("The same password again: ");
  if (!again) return fail(ErrorKind::bad_input, "no password given");
  if (*first != *again)
    return fail(ErrorKind::bad_input, "the two passwords differ; nothing changed");
  return *first;
}

}  // namespace beaver::cli
