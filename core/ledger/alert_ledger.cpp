// Alerts from monitoring: each kept once, whatever order its events arrive in, and attributed to
// the release deployed where it fired, when it fired soon enough after that deploy.

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>

#include "ledger/ledger.hpp"
#include "model/names.hpp"
#include "process/process.hpp"

namespace beaver {
namespace {

std::optional<std::string> label(const AlertEvent& e, const std::string& name) {
  auto it = e.labels.find(name);
  if (it == e.labels.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The host name in a deploy's host ("ssh://deploy@app-1.internal:22/srv", "local:/srv/h1") or in
// an alert's instance label ("app-1.internal:9100", "[::1]:8080"), lower case.
std::string host_name(std::string text) {
  if (text.starts_with("local:")) return "localhost";
  if (auto scheme = text.find("://"); scheme != std::string::npos) {
    try {
      text = Poco::URI(text).getHost();
    } catch (const Poco::Exception&) {
      return {};
    }
  } else if (text.starts_with('[')) {
    text = text.substr(1, text.find(']') - 1);
  } else if (text.find(':') == text.rfind(':')) {  // one colon: host:port; more: an IPv6 address
    text = text.substr(0, text.find(':'));
  }
  text = ascii_lower(text);
  if (text == "127.0.0.1" || text == "::1" || text == machine_name()) return "localhost";
  return text;
}

// The release an alert fired after, within the policy's window, and how sure that is: the host
// and service when the deploy ran on the alert's host, the service when it names one, else the
// environment. The deploy is the last one started there before the alert fired, however it
// ended: an alert during a deploy that fails is that deploy's. An alert naming a service but no
// environment is linked to nothing: the same service runs in several.
void attribute(StoreTransaction& tx, const AlertPolicy& policy, AlertRecord& a,
               const std::optional<std::string>& host_ip) {
  if (!a.env) return;
  auto deploy = tx.last_deploy_before(a.service, a.env, a.fired_at);
  if (!deploy) return;
  Timestamp since = deploy->finished_at && *deploy->finished_at <= a.fired_at ? *deploy->finished_at
                                                                              : deploy->started_at;
  if (a.fired_at - since > policy.window) return;
  a.release_id = deploy->release_id;
  if (!a.service) {
    a.confidence = "environment";
    return;
  }
  a.confidence = "service";
  std::vector<std::string> names;
  for (const auto& h : {a.host, host_ip})
    if (h && !host_name(*h).empty()) names.push_back(host_name(*h));
  for (const auto& h : tx.deploy_hosts(deploy->id))
    if (std::find(names.begin(), names.end(), host_name(h)) != names.end()) a.confidence = "host";
}

std::string labels_json(const std::map<std::string, std::string>& labels) {
  Poco::JSON::Object o;
  for (const auto& [k, v] : labels) o.set(k, v);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

}  // namespace

Result<AlertIntake> Ledger::receive_alerts(const std::string& actor,
                                           const std::vector<AlertEvent>& events) {
  auto pol = policy();
  if (!pol) return std::unexpected(pol.error());
  const AlertPolicy& rules = (*pol)->alerts;
  AlertIntake out;
  BEAVER_TRY(store_.write([&](StoreTransaction& tx) -> Result<void> {
    out = {};
    auto me = tx.find_user(actor);
    if (!me || !me->has(Role::alerts))
      return fail(ErrorKind::refused,
                  "{} may not post alerts: only a user holding the alerts role does", actor);
    auto now = clock_.now();
    for (const auto& e : events) {
      ++out.events;
      auto known = tx.find_alert(e.source, e.key);
      if (known) {
        // Firing again, or sent again with its group: the record stands. Resolved: it closes.
        if (e.resolved && known->status != "resolved") {
          tx.resolve_alert(known->id, *e.resolved_at);
          ++out.resolved;
        }
        continue;
      }
      AlertRecord a;
      a.source = e.source;
      a.key = e.key;
      a.name = e.name;
      a.severity = e.severity ? *e.severity : label(e, rules.severity_label).value_or("");
      a.grade = rules.grade_of(a.severity);
      a.status = e.resolved ? "resolved" : "firing";
      a.service = label(e, rules.service_label);
      a.env = label(e, rules.env_label);
      a.host = e.host ? e.host : label(e, rules.host_label);
      a.summary = e.summary;
      a.labels_json = labels_json(e.labels);
      a.fired_at = e.fired_at;
      a.resolved_at = e.resolved_at;
      a.received_at = now;
      attribute(tx, rules, a, e.host_ip);
      a.id = tx.insert_alert(a);
      ++out.added;
      if (e.resolved) ++out.resolved;
      if (a.release_id) {
        ++out.attributed;
        // Heard of only once it is over, it is for the record, not for anyone's attention; matched
        // by its environment alone, it may be another service's, whose team is not told.
        if (!e.resolved && a.confidence != "environment")
          if (auto r = tx.find_release(*a.release_id))
            announcer_.announce_alert(tx, **pol, build_release_view(tx, **pol, *r, now), a, now);
      }
    }
    return {};
  }));
  return out;
}

Result<std::vector<AlertRecord>> Ledger::list_alerts(const std::string& actor,
                                                     const AlertFilter& filter) {
  std::vector<AlertRecord> out;
  BEAVER_TRY(store_.read([&](StoreTransaction& tx) -> Result<void> {
    BEAVER_TRY(acting_user(tx, actor));
    out = tx.list_alerts(filter);
    return {};
  }));
  return out;
}

}  // namespace beaver
