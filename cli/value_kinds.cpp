#include "value_kinds.hpp"

#include <CLI/CLI.hpp>

namespace beaver::cli {

CLI::Option* ValueKinds::declare(CLI::Option* option, ValueKind kind) {
  declared_[option] = OptionValue{kind, {}};
  return option;
}

CLI::Option* ValueKinds::declare(CLI::Option* option, std::vector<std::string> choices) {
  declared_[option] = OptionValue{ValueKind::choice, std::move(choices)};
  return option;
}

CLI::Option* ValueKinds::one_of(CLI::Option* option, std::vector<std::string> choices) {
  option->check(CLI::IsMember(choices));
  return declare(option, std::move(choices));
}

const OptionValue* ValueKinds::of(const CLI::Option* option) const {
  auto found = declared_.find(option);
  return found == declared_.end() ? nullptr : &found->second;
}

}  // namespace beaver::cli
