#pragma once
// The users and their roles as one connection last read them, with the ledger's users_version
// at that moment: the store answers "who is this" and "who holds this role" from memory while
// the version is unchanged, so a server's every read does not read every user again.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/delegation.hpp"
#include "model/user.hpp"

namespace beaver {

struct UserDirectory {
  // Users read inside a unit of work that is rolled back may be ones that never were: a
  // directory is forgotten when a unit ends without this guard's `committed` set.
  struct ForgetUnlessCommitted {
    UserDirectory& users;
    bool committed = false;
    ~ForgetUnlessCommitted() {
      if (!committed) users.version = -1;
    }
  };

  int64_t version = -1;                 // -1: nothing read yet
  std::vector<User> users;              // by name
  std::vector<Delegation> delegations;  // not revoked, by id

  const User* find(std::string_view name) const {
    auto it = std::lower_bound(users.begin(), users.end(), name,
                               [](const User& u, std::string_view n) { return u.name < n; });
    return it != users.end() && it->name == name ? &*it : nullptr;
  }

  std::vector<User> with_role(Role role, std::optional<std::string_view> team) const {
    std::vector<User> out;
    for (const auto& u : users)
      if (u.has(role) && (!team || u.team == *team)) out.push_back(u);
    return out;
  }
};

}  // namespace beaver
