#include "ops/ops_json.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace beaver {
namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

template <class T>
Poco::Dynamic::Var or_null(const std::optional<T>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

// The payload as JSON; a payload edited out of band into something else stays text, so the log
// can still be read (and `audit verify` names the entry).
Poco::Dynamic::Var payload_json(const std::string& payload) {
  try {
    return Poco::JSON::Parser().parse(payload);
  } catch (const Poco::Exception&) {
    return payload;
  }
}

}  // namespace

Poco::JSON::Object::Ptr user_json(const User& u) {
  auto o = object();
  o->set("name", u.name);
  o->set("team", u.team);
  Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
  for (Role r : u.roles) roles->add(std::string(to_string(r)));
  o->set("roles", roles);
  o->set("email", u.email ? Poco::Dynamic::Var(*u.email) : Poco::Dynamic::Var());
  o->set("created_at", format_utc(u.created_at));
  return o;
}

Poco::JSON::Object::Ptr service_json(const Service& s) {
  auto o = object();
  o->set("name", s.name);
  o->set("team", s.team);
  o->set("created_at", format_utc(s.created_at));
  return o;
}

Poco::JSON::Object::Ptr token_json(const TokenRecord& t) {
  auto o = object();
  o->set("id", t.id);
  o->set("user", t.user);
  o->set("label", t.label);
  o->set("created_by", t.created_by);
  o->set("created_at", format_utc(t.created_at));
  o->set("revoked_by", or_null(t.revoked_by));
  o->set("revoked_at",
         t.revoked_at ? Poco::Dynamic::Var(format_utc(*t.revoked_at)) : Poco::Dynamic::Var());
  return o;
}

Poco::JSON::Object::Ptr audit_entry_json(const AuditEntry& e) {
  auto o = object();
  o->set("seq", e.seq);
  o->set("at", e.at);
  o->set("actor", e.actor);
  o->set("action", e.action);
  o->set("subject", e.subject);
  o->set("payload", payload_json(e.payload));
  o->set("prev_hash", e.prev_hash);
  o->set("hash", e.hash);
  return o;
}

Poco::JSON::Object::Ptr audit_verdict_json(const AuditVerdict& v) {
  auto o = object();
  o->set("entries", v.entries);
  auto head = object();
  head->set("seq", v.head.seq);
  head->set("hash", v.head.hash);
  o->set("head", head);
  o->set("whole", v.whole());
  o->set("first_bad", or_null(v.first_bad));
  o->set("problem", v.problem.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v.problem));
  return o;
}

}  // namespace beaver
