#pragma once
// The ledger's records as the API's JSON documents (stable field names), and back where a
// request carries them.

#include <Poco/JSON/Object.h>

#include "audit/audit.hpp"
#include "deploy/deploy.hpp"
#include "deploy/status.hpp"
#include "ledger/ledger.hpp"
#include "model/audit_entry.hpp"
#include "model/deploy_record.hpp"
#include "model/package_record.hpp"
#include "model/token_record.hpp"
#include "model/user.hpp"
#include "policy/policy.hpp"

namespace beaver {

Poco::JSON::Object::Ptr user_json(const User& u);
Poco::JSON::Object::Ptr service_json(const Service& s);
Poco::JSON::Object::Ptr token_json(const TokenRecord& t);
// {id, user, delegate, until, reason, created_by, created_at, revoked_by, revoked_at}
Poco::JSON::Object::Ptr delegation_json(const Delegation& d);
Poco::JSON::Object::Ptr audit_entry_json(const AuditEntry& e);
Poco::JSON::Object::Ptr audit_verdict_json(const AuditVerdict& v);

// {path, sha256, timezone, environments, warnings, content}.
Poco::JSON::Object::Ptr policy_json(const Policy& p, const std::vector<std::string>& warnings);

// A package's record (not its manifest), with `stored`: whether its file is kept here.
Poco::JSON::Object::Ptr package_json(const PackageRecord& p, bool stored);

// What a deploy will do: {release, service, version, env, batches_spec, batches (host URLs per
// batch), hosts [{host, port, batch}], package_sha256, package_file, release_dir, health
// {path, timeout_s}, keep}; batches count from 1.
Poco::JSON::Object::Ptr deploy_plan_json(const DeployPlan& plan);
// A deploy that started in the background: {deploy_id, release_id, status: running, progress
// (where to follow it), plan, recovered (leases of dead deploys taken over, one line each)}.
Poco::JSON::Object::Ptr deploy_started_json(int64_t deploy_id, const DeployPlan& plan,
                                            const std::vector<std::string>& recovered);
// The plan read back, as much of it as a follower shows (release, batches, hosts).
DeployPlan deploy_plan_from_json(const Poco::JSON::Object::Ptr& o);

// A deploy's record with its release's service, env and version.
Poco::JSON::Object::Ptr deploy_record_json(const DeployRecord& d, const Release& r);
// The record with its steps, its events and, once ended, each host's outcome (`hosts`).
Poco::JSON::Object::Ptr deploy_detail_json(const DeployDetail& d);
// A step as the API shows it (batches from 1), and back.
DeployStep deploy_step_from_json(const Poco::JSON::Object::Ptr& o);
// How a deploy of `release_id` ended: {deploy_id, release_id, status, message, hosts: [{host,
// batch (from 1), outcome, note}]}.
Poco::JSON::Object::Ptr deploy_result_json(const DeployResult& r, int64_t release_id);

// What `beaver status -o json` prints: {service, env, live_release, live_version, deploy_running,
// ok, hosts [...]}.
Poco::JSON::Object::Ptr env_status_json(const EnvStatus& st);

}  // namespace beaver
