#pragma once
// Shell completion. `beaver __complete WORDS...` answers what completes the last of WORDS by
// walking the same CLI11 command table the parser uses, so a new command or flag completes with
// no more work; the scripts `beaver completion SHELL` prints only ask it and show the answer.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "context.hpp"

namespace beaver::cli {

// The hidden command the completion scripts call; it is not in the command table, because its
// words are half a command line that the parser must not read.
inline constexpr std::string_view kCompleteCommand = "__complete";

struct Candidate {
  std::string value;
  std::string description;  // may be empty
};

struct Completion {
  std::vector<Candidate> candidates;  // each starting with the word being completed
  bool files = false;                 // file names complete the word too
};

// What completes the last of `words` (the words after `beaver`; the last is the one being typed,
// maybe empty): a subcommand, a flag, or a value of the flag or positional it is, looked up
// through `ctx` (the policy and the ledger here, or the server). The global options among
// `words` (--server, --policy, --as) are applied to `ctx` first. A lookup that fails completes
// nothing.
Completion complete(CLI::App& app, Context& ctx, std::vector<std::string> words);

// The values in use of `kind` (the policy's environments, the ledger's services...), through
// `ctx`. Not for ValueKind::file or ValueKind::choice, which need no lookup.
Result<std::vector<Candidate>> values_in_use(ValueKind kind, Context& ctx);

// The lines `beaver __complete` prints for `completion`: "VALUE" or "VALUE<TAB>DESCRIPTION" for
// each candidate, then ":file" when file names complete the word too.
std::vector<std::string> completion_lines(const Completion& completion);

}  // namespace beaver::cli
