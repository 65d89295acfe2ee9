// The ledger's side of API tokens: who may create, see and revoke them, and signing in with one.

#include "audit/audit.hpp"
#include "auth/token.hpp"
#include "ledger/ledger.hpp"
#include "ledger/release_lookup.hpp"
#include "model/names.hpp"

namespace beaver {
namespace {

std::string token_subject(int64_t id) { return fmt::format("token/{}", id); }

Result<void> check_label(const std::string& label) {
  BEAVER_TRY(check_text("a token's label", label, 100, true));
  if (label.find_first_of("\n\t") != std::string::npos)
    return fail(ErrorKind::bad_input, "a token's label is one line");
  return {};
}

}  // namespace

Result<NewToken> Ledger::create_token(const std::string& actor, const std::string& user,
                                      const std::string& label) {
  BEAVER_TRY(check_name("user", user));
  BEAVER_TRY(check_label(label));
  auto secret = new_token_secret();
  if (!secret) return std::unexpected(secret.error());
  NewToken made;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    if (me->name != user && !me->has(Role::admin))
      return fail(ErrorKind::refused, "only an admin creates tokens for others; {} is {}", me->name,
                  roles_text(me->roles));
    if (!tx.find_user(user)) return unknown_user(tx, user, ErrorKind::not_found);
    auto now = clock_.now();
    made.record = TokenRecord{0, user, label, token_secret_hash(*secret), actor, now, {}, {}};
    made.record.id = tx.insert_token(made.record);
    append_audit(tx, now, actor, "token.create", token_subject(made.record.id),
                 AuditPayload().set("user", user).set("label", label));
    return {};
  }));
  made.text = token_text(made.record.id, *secret);
  return made;
}

Result<std::vector<TokenRecord>> Ledger::list_tokens(const std::string& actor) {
  std::vector<TokenRecord> tokens;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    for (auto& t : tx.list_tokens())
      if (me->has(Role::admin) || t.user == me->name) tokens.push_back(std::move(t));
    return {};
  }));
  return tokens;
}

Result<TokenRecord> Ledger::revoke_token(const std::string& actor, int64_t id) {
  TokenRecord token;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    auto found = tx.find_token(id);
    // Someone else's token is "not found" to a non-admin: its existence is not theirs to learn.
    if (!found || (found->user != me->name && !me->has(Role::admin)))
      return fail(ErrorKind::not_found, "no token {}{}", id,
                  found ? "" : " (see beaver token list)");
    if (found->revoked_at)
      return fail(ErrorKind::conflict, "token {} was already revoked by {} at {}", id,
                  found->revoked_by.value_or("?"), format_utc(*found->revoked_at));
    auto now = clock_.now();
    tx.revoke_token(id, actor, now);
    found->revoked_by = actor;
    found->revoked_at = now;
    token = *found;
    append_audit(tx, now, actor, "token.revoke", token_subject(id),
                 AuditPayload().set("user", token.user));
    return {};
  }));
  return token;
}

Result<User> Ledger::authenticate(std::string_view token) {
  auto parts = parse_token(token);
  if (!parts) return std::unexpected(parts.error());
  User user;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto found = tx.find_token(parts->id);
    // One message for every failure, so a caller learns nothing about which tokens exist.
    auto refused = [] { return fail(ErrorKind::unauthenticated, "unknown or revoked token"); };
    if (!found || !same_digest(found->secret_hash, token_secret_hash(parts->secret)))
      return refused();
    if (found->revoked_at) return refused();
    auto u = tx.find_user(found->user);
    if (!u) return refused();
    user = std::move(*u);
    return {};
  }));
  return user;
}

}  // namespace beaver
