#include "auth/ldap_directory.hpp"

#include <fmt/core.h>
#include <ldap.h>

#include <memory>

namespace beaver {
namespace {

constexpr std::string_view kUser = "{user}";

struct Unbind {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};

}  // namespace

Result<void> check_directory(const LdapDirectory& d) {
  if (!d.url.starts_with("ldap://") && !d.url.starts_with("ldaps://"))
    return fail(ErrorKind::bad_input, "the directory's URL '{}' is not ldap:// or ldaps://", d.url);
  auto at = d.user_dn.find(kUser);
  if (at == std::string::npos || d.user_dn.find(kUser, at + 1) != std::string::npos)
    return fail(ErrorKind::bad_input,
                "the directory's user DN '{}' has no {{user}}, or more than one (e.g. "
                "uid={{user}},ou=people,dc=example,dc=org)",
                d.user_dn);
  return {};
}

std::string user_dn(const LdapDirectory& d, const std::string& user) {
  std::string escaped;
  for (size_t i = 0; i < user.size(); ++i) {
    char c = user[i];
    bool special = std::string_view(",+\"\\<>;=").find(c) != std::string_view::npos ||
                   (i == 0 && (c == ' ' || c == '#')) || (i + 1 == user.size() && c == ' ');
    if (static_cast<unsigned char>(c) < 0x20)
      escaped += fmt::format("\\{:02x}", static_cast<unsigned char>(c));
    else
      escaped += special ? std::string{'\\', c} : std::string{c};
  }
  auto dn = d.user_dn;
  dn.replace(dn.find(kUser), kUser.size(), escaped);
  return dn;
}

Result<bool> directory_password_matches(const LdapDirectory& d, const std::string& user,
                                        const std::string& password) {
  if (password.empty()) return false;
  LDAP* raw = nullptr;
  if (int rc = ldap_initialize(&raw, d.url.c_str()); rc != LDAP_SUCCESS)
    return fail(ErrorKind::unavailable, "the directory {}: {}", d.url, ldap_err2string(rc));
  std::unique_ptr<LDAP, Unbind> ld(raw);
  int version = LDAP_VERSION3;
  timeval timeout{static_cast<time_t>(d.timeout.count()), 0};
  ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  ldap_set_option(ld.get(), LDAP_OPT_TIMEOUT, &timeout);
  ldap_set_option(ld.get(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  if (d.start_tls)
    if (int rc = ldap_start_tls_s(ld.get(), nullptr, nullptr); rc != LDAP_SUCCESS)
      return fail(ErrorKind::unavailable, "the directory {}: StartTLS: {}", d.url,
                  ldap_err2string(rc));
  auto dn = user_dn(d, user);
  berval credentials{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
  int rc = ldap_sasl_bind_s(ld.get(), dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr,
                            nullptr);
  if (rc == LDAP_SUCCESS) return true;
  if (rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INVALID_DN_SYNTAX || rc == LDAP_NO_SUCH_OBJECT)
    return false;
  return fail(ErrorKind::unavailable, "the directory {}: {}", d.url, ldap_err2string(rc));
}

}  // namespace beaver
