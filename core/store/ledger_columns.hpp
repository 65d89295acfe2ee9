#pragma once
// The column lists both stores read their rows by, in the order their row readers expect: one
// definition, as both stores hold the same columns (schemas/migrations/*).

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

// kReleaseColumns with each column qualified, for joins.
inline std::string prefixed_release_columns(std::string_view prefix) {
  std::string out;
  std::string_view rest = kReleaseColumns;
  while (!rest.empty()) {
    auto comma = rest.find(", ");
    out += fmt::format("{}{}", prefix, rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    out += ", ";
    rest.remove_prefix(comma + 2);
  }
  return out;
}

}  // namespace beaver
