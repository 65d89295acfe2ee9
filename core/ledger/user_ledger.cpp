// The people and the services: users, their teams and roles, and who owns which service.

#include <algorithm>

#include "audit/audit.hpp"
#include "ledger/ledger.hpp"
#include "ledger/release_lookup.hpp"
#include "model/names.hpp"
#include "policy/policy_check.hpp"

namespace beaver {
namespace {

std::vector<std::string> role_names(const std::vector<Role>& roles) {
  std::vector<std::string> out;
  for (Role r : roles) out.emplace_back(to_string(r));
  return out;
}

// `ids` with `entries` applied: each sets its kind's id, or with no id removes it.
Result<std::vector<ImId>> with_im(std::vector<ImId> ids, const std::vector<std::string>& entries) {
  for (const auto& entry : entries) {
    auto parsed = in_field("im", parse_im(entry));
    if (!parsed) return std::unexpected(parsed.error());
    std::erase_if(ids, [&](const ImId& i) { return i.kind == parsed->kind; });
    if (!parsed->id.empty()) ids.push_back(*parsed);
  }
  std::sort(ids.begin(), ids.end(), [](const ImId& a, const ImId& b) { return a.kind < b.kind; });
  return ids;
}

std::vector<Role> normalized(std::vector<Role> roles) {
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

Result<void> check_new_user(const NewUser& u) {
  BEAVER_TRY(check_name("user", u.name));
  BEAVER_TRY(check_name("team", u.team));
  if (u.roles.empty())
    return bad_field("role", "user {} needs at least one role ({})", u.name, all_roles_text());
  // Monitoring's account posts alerts and nothing else: its token is in monitoring's hands.
  if (std::find(u.roles.begin(), u.roles.end(), Role::alerts) != u.roles.end() &&
      normalized(u.roles).size() > 1)
    return bad_field("role",
                     "the alerts role is held alone: it posts alerts and does nothing else");
  if (u.email && !u.email->empty())
    BEAVER_TRY(in_field("email", check_email("the e-mail address", *u.email)));
  BEAVER_TRY(with_im({}, u.im));
  return {};
}

}  // namespace

Result<void> check_first_user(const NewUser& user) {
  BEAVER_TRY(check_new_user(user));
  if (std::find(user.roles.begin(), user.roles.end(), Role::admin) == user.roles.end())
    return std::unexpected(Error{ErrorKind::refused,
                                 "the ledger has no users yet: the first user must hold the admin "
                                 "role",
                                 "role"});
  return {};
}

Result<User> Ledger::add_user(const std::string& actor, const NewUser& request) {
  BEAVER_TRY(check_new_user(request));
  User user{request.name, request.team, normalized(request.roles), {}, request.email};
  if (user.email && user.email->empty()) user.email.reset();
  user.im = *with_im({}, request.im);
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    // The clock is read inside the transaction, so audit times follow the audit sequence.
    user.created_at = clock_.now();
    bool first = tx.list_users().empty();
    if (first) {
      BEAVER_TRY(check_first_user(request));
    } else {
      auto me = acting_user(tx, actor);
      if (!me) return std::unexpected(me.error());
      if (!me->has(Role::admin))
        return fail(ErrorKind::refused, "only an admin adds users; {} is {}", me->name,
                    roles_text(me->roles));
    }
    if (tx.find_user(user.name))
      return fail(ErrorKind::conflict, "user {} already exists", user.name);
    tx.insert_user(user);
    AuditPayload payload;
    payload.set("team", user.team).set("roles", role_names(user.roles));
    if (user.email) payload.set("email", *user.email);
    if (!user.im.empty()) payload.set("im", im_text(user.im));
    append_audit(tx, user.created_at, first ? user.name : actor, "user.add", "user/" + user.name,
                 payload);
    return {};
  }));
  return user;
}

Result<User> Ledger::update_user(const std::string& actor, const NewUser& request) {
  if (request.team.empty() && request.roles.empty() && !request.email && request.im.empty())
    return fail(ErrorKind::bad_input,
                "nothing to change for user {}: give --team, --role, --email or --im",
                request.name);
  User updated{request.name, request.team, normalized(request.roles), {}};
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    if (!me->has(Role::admin))
      return fail(ErrorKind::refused, "only an admin changes users; {} is {}", me->name,
                  roles_text(me->roles));
    auto old = tx.find_user(updated.name);
    if (!old) return unknown_user(tx, updated.name, ErrorKind::not_found);
    // What is not given is kept.
    NewUser checked = request;
    if (checked.team.empty()) checked.team = updated.team = old->team;
    if (checked.roles.empty()) checked.roles = updated.roles = old->roles;
    BEAVER_TRY(check_new_user(checked));
    updated.created_at = old->created_at;
    if (!request.email)
      updated.email = old->email;
    else if (!request.email->empty())
      updated.email = request.email;
    updated.im = *with_im(old->im, request.im);
    if (old->has(Role::admin) && !updated.has(Role::admin)) {
      auto users = tx.list_users();
      auto admins = std::count_if(users.begin(), users.end(),
                                  [](const User& u) { return u.has(Role::admin); });
      if (admins == 1)
        return fail(ErrorKind::refused, "{} is the last admin and keeps the admin role",
                    updated.name);
    }
    if (policy_ != nullptr) {
      auto before = tx.list_users();
      auto after = before;
      for (auto& u : after)
        if (u.name == updated.name) u = updated;
      if (auto stuck = newly_stuck(*policy_, before, after, tx.list_services()))
        return fail(ErrorKind::refused,
                    "{} as {} of team {} would leave a release nobody can approve ({}): give the "
                    "role to another user first, or change the policy",
                    updated.name, roles_text(updated.roles), updated.team, stuck->message);
    }
    tx.update_user(updated);
    AuditPayload payload;
    payload.set("team", updated.team)
        .set("roles", role_names(updated.roles))
        .set("previous_team", old->team)
        .set("previous_roles", role_names(old->roles));
    // Only a change of address is recorded, so entries of ledgers without addresses stay as
    // they were.
    if (updated.email != old->email)
      payload.set("email", updated.email).set("previous_email", old->email);
    if (updated.im != old->im)
      payload.set("im", im_text(updated.im)).set("previous_im", im_text(old->im));
    append_audit(tx, clock_.now(), actor, "user.update", "user/" + updated.name, payload);
    return {};
  }));
  return updated;
}

Result<std::vector<User>> Ledger::list_users(const std::string& actor) {
  std::vector<User> users;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    users = tx.list_users();
    return {};
  }));
  return users;
}

Result<Service> Ledger::add_service(const std::string& actor, const std::string& name,
                                    const std::string& team) {
  BEAVER_TRY(check_name("service", name));
  BEAVER_TRY(check_name("team", team));
  Service service{name, team, {}};
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    service.created_at = clock_.now();
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    if (!me->has(Role::admin) && !(me->has(Role::leader) && me->team == team))
      return fail(ErrorKind::refused,
                  "only an admin or a leader of team {} registers its services; {} is {} of "
                  "team {}",
                  team, me->name, roles_text(me->roles), me->team);
    if (tx.find_service(name)) return fail(ErrorKind::conflict, "service {} already exists", name);
    tx.insert_service(service);
    append_audit(tx, service.created_at, actor, "service.add", "service/" + name,
                 AuditPayload().set("team", team));
    return {};
  }));
  return service;
}

Result<std::vector<Service>> Ledger::list_services(const std::string& actor) {
  std::vector<Service> services;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    services = tx.list_services();
    return {};
  }));
  return services;
}

Result<std::vector<std::string>> Ledger::policy_warnings(const Policy& policy) {
  std::vector<std::string> warnings;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto users = tx.list_users();
    warnings = unlinked_channels(policy);
    for (auto& w : unmeetable_rules(policy, users, tx.list_services()))
      warnings.push_back(std::move(w));
    for (auto& w : unreachable_channels(policy, users)) warnings.push_back(std::move(w));
    return {};
  }));
  return warnings;
}

}  // namespace beaver
