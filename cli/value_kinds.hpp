#pragma once
// What a flag or positional takes, declared beside the option:
//   ctx.values.declare(cmd->add_option("--env", env, "the environment"), ValueKind::environment);
// so that shell completion offers the values in use (the policy's environments, the ledger's
// services, ...). An option declared with a kind completes with no more work; one declared with
// none completes no value.

#include <map>
#include <string>
#include <vector>

namespace CLI {
class Option;
}  // namespace CLI

namespace beaver::cli {

enum class ValueKind {
  environment,  // the policy's environments
  category,     // the policy's emergency categories
  service,      // the ledger's services
  team,         // the teams of the ledger's users and services
  user,         // the ledger's users
  release,      // releases still in flight (submitted or approved), by id
  file,         // a file name, which the shell completes itself
  choice,       // one of a fixed list of words
};

// What an option takes: a kind, and for ValueKind::choice the words.
struct OptionValue {
  ValueKind kind;
  std::vector<std::string> choices;
};

class ValueKinds {
 public:
  // Declares that `option` takes a value of `kind`; returns `option`, to chain ->required().
  CLI::Option* declare(CLI::Option* option, ValueKind kind);
  // Declares that `option` takes one of `choices`, without checking it (the command does, with a
  // message of its own).
  CLI::Option* declare(CLI::Option* option, std::vector<std::string> choices);
  // Declares that `option` takes one of `choices`, and has the parser refuse anything else.
  CLI::Option* one_of(CLI::Option* option, std::vector<std::string> choices);

  // What `option` was declared to take; null when nothing was.
  const OptionValue* of(const CLI::Option* option) const;

 private:
  std::map<const CLI::Option*, OptionValue> declared_;
};

}  // namespace beaver::cli
