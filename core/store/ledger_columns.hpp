#pragma once
// The column lists the ledger's statements read their rows by, in the order their row readers
// (sql_*.cpp) expect: one definition, as both stores hold the same columns
// (schemas/migrations/*).

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace beaver {

inline constexpr std::string_view kReleaseColumns =
    "id, service, env, version, git_commit, package_sha256, type, status, category, reason, "
    "submitter, submitted_at, approved_at, deployed_at, closed_by, close_comment, closed_at, "
    "policy_sha256, reviewed_by, reviewed_at, review_notes";

inline constexpr std::string_view kPackageColumns =
    "id, sha256, service, version, file_name, size, git_commit, git_branch, git_tag, commit_time, "
    "allow_dirty, builder, registered_at, manifest_json";

inline constexpr std::string_view kNotificationColumns =
    "id, event, release_id, channel, channel_type, target, body, status, attempts, "
    "next_attempt_at, created_at, sent_at, last_error";

inline constexpr std::string_view kDeployColumns =
    "id, release_id, actor, status, batches, started_at, finished_at, message";

inline constexpr std::string_view kStepColumns =
    "deploy_id, host, batch, step, status, started_at, elapsed_ms, output";

inline constexpr std::string_view kApprovalColumns =
    "release_id, approver, step, role, binding, comment, approved_at, for_user";

inline constexpr std::string_view kDelegationColumns =
    "id, \"user\", delegate, until, reason, created_by, created_at, revoked_by, revoked_at";

inline constexpr std::string_view kBreakGlassColumns =
    "release_id, team, actor, reason, at, sign_by, signed_at";

inline constexpr std::string_view kAlertColumns =
    "id, source, alert_key, name, severity, grade, status, service, env, host, summary, labels, "
    "fired_at, resolved_at, received_at, release_id, confidence";

inline constexpr std::string_view kAuditColumns =
    "seq, at, actor, action, subject, payload, prev_hash, hash";

inline constexpr std::string_view kTokenColumns =
    "id, \"user\", label, secret_hash, created_by, created_at, revoked_by, revoked_at";

inline constexpr std::string_view kSessionColumns =
    "id, \"user\", secret_hash, csrf, client, created_at, seen_at, ended_at";

inline constexpr std::string_view kLeaseColumns =
    "service, env, deploy_id, actor, machine, pid, pid_start, acquired_at, expires_at, "
    "stop_requested_by";

// `columns` with each column qualified by `prefix` ("r."), for joins.
inline std::string prefixed_columns(std::string_view prefix, std::string_view columns) {
  std::string out;
  while (!columns.empty()) {
    auto comma = columns.find(", ");
    out += fmt::format("{}{}", prefix, columns.substr(0, comma));
    if (comma == std::string_view::npos) break;
    out += ", ";
    columns.remove_prefix(comma + 2);
  }
  return out;
}

// "?1, ?2, ... ?n", for an INSERT's values.
inline std::string numbered_parameters(int n, int first = 1) {
  std::string out;
  for (int i = first; i < first + n; ++i) out += fmt::format("{}?{}", i > first ? ", " : "", i);
  return out;
}

}  // namespace beaver
