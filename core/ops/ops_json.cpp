#include "ops/ops_json.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace beaver {
namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Array::Ptr strings(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& item : items) out->add(item);
  return out;
}

Poco::Dynamic::Var optional_time(const std::optional<Timestamp>& t) {
  return t ? Poco::Dynamic::Var(format_utc(*t)) : Poco::Dynamic::Var();
}

std::string text_or(const Poco::JSON::Object::Ptr& o, const std::string& key,
                    std::string fallback = "") {
  if (!o->has(key) || o->isNull(key)) return fallback;
  return o->get(key).convert<std::string>();
}

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
  Poco::JSON::Array::Ptr im = new Poco::JSON::Array;
  for (const auto& i : u.im) im->add(i.kind + ":" + i.id);
  o->set("im", im);
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

Poco::JSON::Object::Ptr delegation_json(const Delegation& d) {
  auto o = object();
  o->set("id", d.id);
  o->set("user", d.user);
  o->set("delegate", d.delegate);
  o->set("until", format_utc(d.until));
  o->set("reason", or_null(d.reason));
  o->set("created_by", d.created_by);
  o->set("created_at", format_utc(d.created_at));
  o->set("revoked_by", or_null(d.revoked_by));
  o->set("revoked_at",
         d.revoked_at ? Poco::Dynamic::Var(format_utc(*d.revoked_at)) : Poco::Dynamic::Var());
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

Poco::JSON::Object::Ptr policy_json(const Policy& p, const std::vector<std::string>& warnings) {
  auto o = object();
  o->set("path", p.path);
  o->set("sha256", p.sha256);
  o->set("timezone", p.zone != nullptr ? p.zone->name() : std::string());
  std::vector<std::string> envs;
  for (const auto& [name, env] : p.environments) envs.push_back(name);
  o->set("environments", strings(envs));
  std::vector<std::string> confirm;
  for (const auto& [name, env] : p.environments)
    if (env.confirm) confirm.push_back(name);
  o->set("confirm_environments", strings(confirm));
  o->set("emergency_categories", strings(p.emergency_categories));
  o->set("warnings", strings(warnings));
  o->set("content", p.content);
  return o;
}

Poco::JSON::Object::Ptr package_json(const PackageRecord& p, bool stored) {
  auto o = object();
  o->set("sha256", p.sha256);
  o->set("service", p.service);
  o->set("version", p.version);
  o->set("file_name", p.file_name);
  o->set("size", p.size);
  o->set("commit", p.commit);
  o->set("branch", or_null(p.branch));
  o->set("tag", or_null(p.tag));
  o->set("commit_time", format_utc(p.commit_time));
  o->set("allow_dirty", p.allow_dirty);
  o->set("builder", p.builder);
  o->set("registered_at", format_utc(p.registered_at));
  o->set("stored", stored);
  return o;
}

Poco::JSON::Object::Ptr deploy_plan_json(const DeployPlan& plan) {
  auto o = object();
  o->set("release", plan.release.id);
  o->set("service", plan.release.service);
  o->set("version", plan.release.version);
  o->set("env", plan.release.env);
  o->set("batches_spec", plan.batches_text);
  o->set("pause_s", static_cast<int64_t>(plan.pause.count()));
  o->set("repair", plan.repair);
  o->set("break_glass",
         plan.break_glass ? Poco::Dynamic::Var(*plan.break_glass) : Poco::Dynamic::Var());
  Poco::JSON::Array::Ptr batches = new Poco::JSON::Array;
  Poco::JSON::Array::Ptr hosts = new Poco::JSON::Array;
  for (const auto& batch : plan.batches) {
    Poco::JSON::Array::Ptr urls = new Poco::JSON::Array;
    for (const auto& h : batch) {
      urls->add(h.host.url);
      auto j = object();
      j->set("host", h.host.url);
      j->set("port", h.port);
      j->set("batch", h.batch + 1);
      hosts->add(j);
    }
    batches->add(urls);
  }
  o->set("batches", batches);
  o->set("hosts", hosts);
  o->set("package_sha256", plan.package.sha256);
  o->set("package_file", plan.package.file_name);
  o->set("release_dir", plan.release_dir);
  auto health = object();
  health->set("path", plan.spec.health.path);
  health->set("timeout_s", static_cast<int64_t>(plan.spec.health.timeout.count()));
  o->set("health", health);
  o->set("keep", plan.keep);
  return o;
}

Poco::JSON::Object::Ptr deploy_started_json(int64_t deploy_id, const DeployPlan& plan,
                                            const std::vector<std::string>& recovered) {
  auto o = object();
  o->set("deploy_id", deploy_id);
  o->set("release_id", plan.release.id);
  o->set("status", "running");
  o->set("progress", fmt::format("/api/v1/deploys/{}", deploy_id));
  o->set("plan", deploy_plan_json(plan));
  o->set("recovered", strings(recovered));
  return o;
}

DeployPlan deploy_plan_from_json(const Poco::JSON::Object::Ptr& o) {
  DeployPlan plan;
  plan.release.id = o->optValue<int64_t>("release", 0);
  plan.release.service = text_or(o, "service");
  plan.release.version = text_or(o, "version");
  plan.release.env = text_or(o, "env");
  plan.batches_text = text_or(o, "batches_spec");
  plan.package.sha256 = text_or(o, "package_sha256");
  plan.package.file_name = text_or(o, "package_file");
  plan.release_dir = text_or(o, "release_dir");
  plan.keep = o->optValue<int>("keep", 0);
  plan.pause = std::chrono::seconds(o->optValue<int64_t>("pause_s", 0));
  plan.repair = o->optValue<bool>("repair", false);
  if (o->has("break_glass") && !o->isNull("break_glass"))
    plan.break_glass = o->getValue<std::string>("break_glass");
  if (auto health = o->getObject("health")) {
    plan.spec.health.path = text_or(health, "path");
    plan.spec.health.timeout = std::chrono::seconds(health->optValue<int64_t>("timeout_s", 0));
  }
  if (auto hosts = o->getArray("hosts")) {
    for (size_t i = 0; i < hosts->size(); ++i) {
      auto h = hosts->getObject(static_cast<unsigned>(i));
      PlannedHost p;
      p.host.url = text_or(h, "host");
      p.port = h->optValue<int>("port", 0);
      p.batch = h->optValue<int>("batch", 1) - 1;
      if (p.batch < 0) continue;
      if (plan.batches.size() <= static_cast<size_t>(p.batch)) plan.batches.resize(p.batch + 1);
      plan.batches[p.batch].push_back(std::move(p));
    }
  }
  return plan;
}

Poco::JSON::Object::Ptr deploy_record_json(const DeployRecord& d, const Release& r) {
  auto o = object();
  o->set("id", d.id);
  o->set("release_id", d.release_id);
  o->set("service", r.service);
  o->set("env", r.env);
  o->set("version", r.version);
  o->set("type", std::string(to_string(r.type)));
  o->set("actor", d.actor);
  o->set("status", d.status);
  o->set("batches", d.batches);
  o->set("started_at", format_utc(d.started_at));
  o->set("finished_at", optional_time(d.finished_at));
  o->set("message", or_null(d.message));
  return o;
}

DeployStep deploy_step_from_json(const Poco::JSON::Object::Ptr& o) {
  DeployStep s;
  s.host = text_or(o, "host");
  s.batch = o->optValue<int>("batch", 1) - 1;
  s.step = text_or(o, "step");
  s.status = text_or(o, "status");
  if (auto at = parse_iso8601(text_or(o, "started_at"))) s.started_at = *at;
  s.elapsed_ms = o->optValue<int64_t>("elapsed_ms", 0);
  s.output = text_or(o, "output");
  return s;
}

Poco::JSON::Object::Ptr deploy_detail_json(const DeployDetail& d) {
  auto o = deploy_record_json(d.record, d.release);
  Poco::JSON::Array::Ptr steps = new Poco::JSON::Array;
  for (const auto& st : d.steps) steps->add(deploy_step_json(st));
  o->set("steps", steps);
  Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
  Poco::JSON::Array::Ptr hosts = new Poco::JSON::Array;
  for (const auto& e : d.events) {
    auto j = object();
    if (e.kind != "outcome") {
      j->set("after_steps", e.after_steps);
      j->set("kind", e.kind);
    }
    if (e.kind != "note") {
      j->set("host", e.host);
      j->set("batch", e.batch + 1);
      j->set("outcome", e.outcome);
    }
    j->set("note", e.note);
    (e.kind == "outcome" ? hosts : events)->add(j);
  }
  o->set("events", events);
  o->set("hosts", hosts);
  return o;
}

Poco::JSON::Object::Ptr env_status_json(const EnvStatus& st) {
  Poco::JSON::Array::Ptr hosts = new Poco::JSON::Array;
  for (const auto& h : st.hosts) {
    auto j = object();
    j->set("host", h.host);
    j->set("reachable", h.reachable);
    j->set("release", h.release_dir);
    j->set("release_id", or_null(h.release_id));
    j->set("version", h.version);
    j->set("commit", h.commit);
    j->set("running", h.running);
    j->set("healthy", h.healthy);
    j->set("health", h.health);
    j->set("drift", strings(h.drift));
    j->set("error", h.error);
    j->set("ok", h.ok());
    hosts->add(j);
  }
  auto o = object();
  o->set("service", st.service);
  o->set("env", st.env);
  o->set("live_release", st.live ? Poco::Dynamic::Var(st.live->id) : Poco::Dynamic::Var());
  o->set("live_version", st.live ? Poco::Dynamic::Var(st.live->version) : Poco::Dynamic::Var());
  o->set("deploy_running",
         st.lease ? Poco::Dynamic::Var(st.lease->deploy_id) : Poco::Dynamic::Var());
  o->set("ok", st.ok());
  auto repair = repair_command(st);
  o->set("repair", repair ? Poco::Dynamic::Var(*repair) : Poco::Dynamic::Var());
  o->set("hosts", hosts);
  return o;
}

Poco::JSON::Object::Ptr deploy_result_json(const DeployResult& r, int64_t release_id) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("deploy_id", r.deploy_id);
  o->set("release_id", release_id);
  o->set("status", r.status);
  o->set("message", r.message ? Poco::Dynamic::Var(*r.message) : Poco::Dynamic::Var());
  Poco::JSON::Array::Ptr hosts = new Poco::JSON::Array;
  for (const auto& h : r.hosts) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("host", h.host);
    j->set("batch", h.batch + 1);
    j->set("outcome", h.outcome);
    j->set("note", h.note);
    hosts->add(j);
  }
  o->set("hosts", hosts);
  return o;
}

}  // namespace beaver
