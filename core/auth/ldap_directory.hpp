#pragma once
// Signing people in against a company's LDAP directory: a simple bind as the user, with
// OpenLDAP's client library. The directory says only whether the password is right; the ledger
// keeps who the user is (team and roles), so a user must exist in both.

#include <chrono>
#include <string>

#include "error/error.hpp"

namespace beaver {

struct LdapDirectory {
  std::string url;  // ldap://host[:port] or ldaps://host[:port]
  // The user's DN, with {user} standing for the name: "uid={user},ou=people,dc=example,dc=org".
  std::string user_dn;
  bool start_tls = false;  // StartTLS on an ldap:// URL before the password is sent
  std::chrono::seconds timeout{5};

  bool configured() const { return !url.empty(); }
};

// Whether the directory's settings can be used: an ldap:// or ldaps:// URL, and a DN template
// with {user} once.
Result<void> check_directory(const LdapDirectory& directory);
// The DN `user` binds as: the name escaped as RFC 4514 says, in the template.
std::string user_dn(const LdapDirectory& directory, const std::string& user);
// true when `password` binds as `user`, false when the directory refuses it (a wrong password or
// an unknown DN), unavailable when the directory cannot be asked. An empty password is false
// without asking: LDAP takes a simple bind without one as anonymous, and that succeeds.
Result<bool> directory_password_matches(const LdapDirectory& directory, const std::string& user,
                                        const std::string& password);

}  // namespace beaver
