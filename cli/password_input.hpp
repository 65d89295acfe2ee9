#pragma once
// A password read the way people expect: from the terminal without echo, asked twice, or as one
// line of standard input for scripts. Never from an argument, which other users of the machine
// could read from the process list.

#include <string>

#include "error/error.hpp"

namespace beaver::cli {

// `from_stdin`: the first line of standard input. Otherwise the terminal, asked twice.
Result<std::string> read_new_password(const std::string& user, bool from_stdin);

}  // namespace beaver::cli
