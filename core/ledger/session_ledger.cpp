// The ledger's side of people signing in on the web pages: passwords and browser sessions.

#include "audit/audit.hpp"
#include "auth/password.hpp"
#include "auth/token.hpp"
#include "ledger/ledger.hpp"
#include "ledger/release_lookup.hpp"
#include "model/names.hpp"

namespace beaver {
namespace {

std::string session_subject(int64_t id) { return fmt::format("session/{}", id); }

// Made once: checked against when there is no hash to check, so that a sign-in as a user who
// does not exist takes as long as one with a wrong password.
const std::string& stand_in_hash() {
  static const std::string hash = hash_password("stand-in password").value_or("");
  return hash;
}

// A use of a session is written down at most this often: signing in is checked on every
// request, and most of them only read.
constexpr std::chrono::seconds kSeenEvery{60};

}  // namespace

Result<void> Ledger::set_password(const std::string& actor, const std::string& user,
                                  const std::string& password) {
  BEAVER_TRY(check_name("user", user));
  BEAVER_TRY(check_password(password));
  auto hash = hash_password(password);
  if (!hash) return std::unexpected(hash.error());
  return store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = acting_user(tx, actor);
    if (!me) return std::unexpected(me.error());
    if (me->name != user && !me->has(Role::admin))
      return fail(ErrorKind::refused, "only an admin sets others' passwords; {} is {}", me->name,
                  with_article(roles_text(me->roles)));
    if (!tx.find_user(user)) return unknown_user(tx, user, ErrorKind::not_found);
    auto now = clock_.now();
    tx.put_password(user, *hash, actor, now);
    tx.end_sessions_of(user, now);
    append_audit(tx, now, actor, "user.password", fmt::format("user/{}", user), AuditPayload());
    return {};
  });
}

Result<NewSession> Ledger::start_session(const std::string& user, const std::string& password,
                                         const std::string& client,
                                         const LdapDirectory* directory) {
  auto refused = [] { return fail(ErrorKind::unauthenticated, "unknown user or wrong password"); };
  if (!check_name("user", user) || password.empty() || password.size() > 1024) return refused();
  bool known = false;
  std::optional<std::string> hash;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    known = tx.find_user(user).has_value();
    if (known) hash = tx.password_hash(user);
    return {};
  }));
  bool by_directory = known && !hash && directory != nullptr && directory->configured();
  bool matches = false;
  if (by_directory) {
    auto bound = directory_password_matches(*directory, user, password);
    if (!bound) return std::unexpected(bound.error());
    matches = *bound;
  } else {
    matches = password_matches(hash.value_or(stand_in_hash()), password) && hash;
  }
  auto secret = new_token_secret();
  auto csrf = new_token_secret();
  if (!secret || !csrf) return std::unexpected(secret ? csrf.error() : secret.error());
  NewSession made;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto now = clock_.now();
    if (!matches) {
      append_audit(
          tx, now, user, "session.refused", fmt::format("user/{}", user),
          AuditPayload().set("client", client).set("by", by_directory ? "directory" : "password"));
      return {};
    }
    made.record = SessionRecord{0, user, token_secret_hash(*secret), *csrf, client, now, now, {}};
    made.record.id = tx.insert_session(made.record);
    append_audit(
        tx, now, user, "session.start", session_subject(made.record.id),
        AuditPayload().set("client", client).set("by", by_directory ? "directory" : "password"));
    return {};
  }));
  if (!matches) return refused();
  made.cookie = session_text(made.record.id, *secret);
  return made;
}

Result<SessionUser> Ledger::session_user(std::string_view cookie, const SessionLimits& limits) {
  auto parts = parse_session(cookie);
  if (!parts) return std::unexpected(parts.error());
  SessionUser found;
  auto now = clock_.now();
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    auto ended = [] {
      return fail(ErrorKind::unauthenticated, "your session has ended: sign in again");
    };
    auto session = tx.find_session(parts->id);
    if (!session || !same_digest(session->secret_hash, token_secret_hash(parts->secret)))
      return ended();
    if (session->ended_at || now - session->seen_at >= limits.idle ||
        now - session->created_at >= limits.absolute)
      return ended();
    auto user = tx.find_user(session->user);
    if (!user) return ended();
    found = SessionUser{std::move(*user), std::move(*session)};
    return {};
  }));
  if (now - found.session.seen_at >= std::min<std::chrono::seconds>(kSeenEvery, limits.idle / 2)) {
    BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
      tx.touch_session(found.session.id, now);
      return {};
    }));
    found.session.seen_at = now;
  }
  return found;
}

Result<void> Ledger::end_session(std::string_view cookie) {
  auto parts = parse_session(cookie);
  if (!parts) return std::unexpected(parts.error());
  return store_.write([&](StoreTransaction& tx) -> Result<void> {
    auto session = tx.find_session(parts->id);
    if (!session || !same_digest(session->secret_hash, token_secret_hash(parts->secret)))
      return fail(ErrorKind::unauthenticated, "your session has ended: sign in again");
    if (session->ended_at) return fail(ErrorKind::conflict, "this session has already ended");
    auto now = clock_.now();
    tx.end_session(session->id, now);
    append_audit(tx, now, session->user, "session.end", session_subject(session->id),
                 AuditPayload());
    return {};
  });
}

}  // namespace beaver
