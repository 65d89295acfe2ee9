// Stand-ins for approvers: who may approve for whom, and until when.

#include <algorithm>

#include "audit/audit.hpp"
#include "ledger/ledger.hpp"
#include "ledger/release_lookup.hpp"
#include "model/names.hpp"

namespace beaver {
namespace {

constexpr auto kLongest = std::chrono::days(90);
constexpr size_t kMaxReason = 500;

std::string delegation_subject(int64_t id) { return fmt::format("delegation/{}", id); }

}  // namespace

Result<Delegation> Ledger::delegate(const std::string& actor, const std::string& user,
                                    const std::string& delegate, Timestamp until,
                                    const std::optional<std::string>& reason) {
  BEAVER_TRY(in_field("user", check_name("user", user)));
  BEAVER_TRY(in_field("to", check_name("user", delegate)));
  if (reason) BEAVER_TRY(in_field("reason", check_text("reason", *reason, kMaxReason, true)));
  if (user == delegate)
    return bad_field("to", "{} cannot stand in for themselves: name someone else with --to", user);
  Delegation d;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    if (me->name != user && !me->has(Role::admin))
      return fail(ErrorKind::refused,
                  "{} may not delegate {}'s approvals: a user delegates their own, an admin "
                  "anyone's",
                  me->name, user);
    if (!tx.find_user(user)) return unknown_user(tx, user, ErrorKind::not_found);
    if (!tx.find_user(delegate)) return unknown_user(tx, delegate, ErrorKind::not_found);
    auto now = clock_.now();
    if (until <= now)
      return bad_field("until", "--until {} is not in the future (it is {} now)", format_utc(until),
                       format_utc(now));
    if (until > now + kLongest)
      return bad_field("until", "--until {} is more than 90 days ahead: delegate again later",
                       format_utc(until));
    for (const auto& other : tx.standing_delegations())
      if (other.holds(now) && other.user == user && other.delegate == delegate)
        return fail(ErrorKind::conflict,
                    "{} already stands in for {} until {} (delegation {}): revoke it first to "
                    "change it",
                    delegate, user, format_utc(other.until), other.id);
    d = Delegation{0, user, delegate, until, reason, me->name, now, std::nullopt, std::nullopt};
    if (d.reason && d.reason->empty()) d.reason.reset();
    d.id = tx.insert_delegation(d);
    append_audit(tx, now, me->name, "user.delegate", delegation_subject(d.id),
                 AuditPayload()
                     .set("user", user)
                     .set("delegate", delegate)
                     .set("until", format_utc(until))
                     .set("reason", d.reason));
    return {};
  }));
  return d;
}

Result<Delegation> Ledger::revoke_delegation(const std::string& actor, int64_t id) {
  Delegation d;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    auto found = tx.find_delegation(id);
    bool theirs =
        found && (found->user == me->name || found->delegate == me->name || me->has(Role::admin));
    if (!theirs)
      return fail(ErrorKind::not_found, "no delegation {} of yours (see beaver user delegations)",
                  id);
    auto now = clock_.now();
    if (found->revoked_at)
      return fail(ErrorKind::conflict, "delegation {} was already revoked by {} at {}", id,
                  found->revoked_by.value_or("?"), format_utc(*found->revoked_at));
    if (now >= found->until)
      return fail(ErrorKind::conflict, "delegation {} already ended at {}", id,
                  format_utc(found->until));
    tx.revoke_delegation(id, me->name, now);
    found->revoked_by = me->name;
    found->revoked_at = now;
    d = *found;
    append_audit(tx, now, me->name, "user.delegation_revoke", delegation_subject(id),
                 AuditPayload().set("user", d.user).set("delegate", d.delegate));
    return {};
  }));
  return d;
}

Result<std::vector<Delegation>> Ledger::list_delegations(const std::string& actor,
                                                         const std::optional<std::string>& user,
                                                         bool all) {
  std::vector<Delegation> out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    if (user && !tx.find_user(*user)) return unknown_user(tx, *user, ErrorKind::not_found);
    auto now = clock_.now();
    for (auto& d : tx.list_delegations(1000))
      if ((all || d.holds(now)) && (!user || d.user == *user || d.delegate == *user))
        out.push_back(std::move(d));
    return {};
  }));
  return out;
}

}  // namespace beaver
