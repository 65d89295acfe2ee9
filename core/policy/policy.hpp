#pragma once
// The organisation's rules, read from policy.yaml: per environment, the approval chains a
// release needs, the release windows and freezes; the emergency categories and the deadlines.

#include <date/tz.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"
#include "model/release.hpp"
#include "model/user.hpp"

namespace beaver {

// One step of an approval chain: `count` distinct users holding `role` (of the service's team
// when `same_team`), none of them the submitter.
struct ApprovalRule {
  Role role = Role::developer;
  int count = 1;
  bool same_team = false;
  bool operator==(const ApprovalRule&) const = default;
};

// A span of the day in minutes since midnight; `to <= from` means it runs across midnight.
struct DaySpan {
  int from = 0;  // 0..1439
  int to = 0;    // 0..1440
};

// A release window: on `days` (index 0 = Sunday .. 6 = Saturday; the day the window opens),
// between `span.from` and `span.to` local time.
struct ReleaseWindow {
  std::array<bool, 7> days{};
  DaySpan span;
};

// No normal release between `from` (inclusive) and `to` (exclusive), local time.
struct Freeze {
  date::local_seconds from{};
  date::local_seconds to{};
  std::string reason;
};

struct EnvironmentPolicy {
  std::string name;
  const date::time_zone* zone = nullptr;  // the policy's, unless the environment sets its own
  std::vector<ReleaseWindow> windows;     // empty: always open
  std::vector<Freeze> freezes;
  std::vector<ApprovalRule> normal;  // empty: approved on submit
  std::vector<ApprovalRule> emergency;
  std::vector<ApprovalRule> rollback;  // defaults to the emergency chain when not given
  // Who submits besides the service's own team (and admins): these teams, or any team.
  std::vector<std::string> submit_teams;
  bool submit_any_team = false;
  // A deploy here started on a terminal asks first (`confirm`; by default for prod, production).
  bool confirm = false;
  // Who may deploy a submitted emergency here before its approvals (`emergency: break_glass`),
  // and how long its approvers then have to give them.
  struct BreakGlassRule {
    std::vector<Role> roles;
    std::chrono::seconds sign_within{2 * 3600};
  };
  std::optional<BreakGlassRule> break_glass;

  const std::vector<ApprovalRule>& chain_for(ReleaseType type) const;
};

// What a notification announces about a release, named as in policy.yaml.
// deployed: a release now runs on its environment; rolled_back: a rollback now runs there.
// signature_owed: an emergency deployed by break glass still needs its approvals (when the glass
// is broken, and at half its time); signature_overdue: its time to sign has run out.
enum class NotifyEvent {
  approval_needed,
  approved,
  rejected,
  deploy_failed,
  deployed,
  rolled_back,
  signature_owed,
  signature_overdue,
  alert  // an alert from monitoring linked to a release (announced by grade: AlertPolicy)
};
std::string_view to_string(NotifyEvent e);
std::optional<NotifyEvent> notify_event_from_string(std::string_view text);

// How a channel's messages are shaped and sent: a JSON POST in one of five formats (`channel:
// webhook` with its `format`; `webhook` is the generic one), or mail. The outbox stores these
// names.
enum class ChannelType { webhook, wecom, dingtalk, feishu, slack, email };
std::string_view to_string(ChannelType t);
// A webhook's `format` (generic, wecom, dingtalk, feishu or slack) as the type it sends.
std::optional<ChannelType> webhook_format_from_string(std::string_view text);

// How mail reaches the SMTP server: STARTTLS when it offers it, STARTTLS or nothing, TLS from
// the first byte (port 465), or in the clear.
enum class SmtpTls { opportunistic, starttls, implicit, none };

// An SMTP server, "host:port" in the policy, how to reach it, and the mail's sender.
struct SmtpTarget {
  std::string host;
  int port = 25;
  std::string from;
  SmtpTls tls = SmtpTls::opportunistic;
  // A login, only over TLS; the password is read at sending time from the environment variable
  // named here, so it is never in the policy, the ledger or a message.
  std::string user{};
  std::string password_env{};
  bool auth_login = false;  // AUTH LOGIN rather than AUTH PLAIN

  // The notification's target: "smtp://host:port" with what else the sender needs, as
  // parameters (tls, user, password_env, auth); no password.
  std::string target() const;
};

// One entry of the policy's `notify` list: where messages go and which of them.
struct NotifyChannel {
  std::string name;  // `name`, else the channel and its place in the list: "webhook-1", "email-2"
  ChannelType type = ChannelType::webhook;
  std::string url;                 // the webhook types: an http:// or https:// URL
  std::optional<SmtpTarget> smtp;  // email
  // Email: mail goes to the address of every user holding one of `to_roles`, and to `to`.
  std::vector<Role> to_roles;
  std::vector<std::string> to;
  std::vector<NotifyEvent> events;  // never empty: every event when the policy names none
  std::vector<std::string> teams;   // empty: releases of every team

  // Whether this channel announces `event` for a service of `team`.
  bool wants(NotifyEvent event, std::string_view team) const;
};

// How monitoring's alerts are read (`alerts:`): the label (or Zabbix tag) names that say the
// service, the environment, the host and the severity; how long after a deploy an alert is
// attributed to it; and which severities are which grade (critical, warning, info).
struct AlertPolicy {
  std::string service_label = "service";
  std::string env_label = "env";
  std::string host_label = "instance";
  std::string severity_label = "severity";
  std::chrono::seconds window{2 * 3600};
  // Severity (lower case) -> grade; a severity not named here is a warning.
  std::map<std::string, std::string, std::less<>> grades{
      {"critical", "critical"}, {"disaster", "critical"}, {"high", "critical"},
      {"page", "critical"},     {"warning", "warning"},   {"average", "warning"},
      {"info", "info"},         {"information", "info"},  {"not_classified", "info"},
      {"none", "info"}};

  // Grade -> the notify channels (by name) its alerts are announced on; a grade not named here
  // announces on every channel that takes the event alert when critical, on none otherwise.
  std::map<std::string, std::vector<std::string>, std::less<>> channels;

  // The grade of `severity`, any case.
  std::string grade_of(std::string_view severity) const;
};

struct Policy {
  std::string path;     // as given, for messages
  std::string content;  // the file's bytes
  std::string sha256;   // of `content`
  const date::time_zone* zone = nullptr;
  DaySpan night{22 * 60, 7 * 60};
  std::chrono::seconds review_deadline{72 * 3600};
  std::chrono::seconds approval_expires{72 * 3600};
  std::vector<std::string> emergency_categories;
  std::map<std::string, EnvironmentPolicy, std::less<>> environments;
  std::vector<NotifyChannel> notify;
  // beaver's web address, e.g. "https://beaver.example.com" (no trailing slash): messages link
  // {notify_base_url}/releases/ID. Empty: no link.
  std::string notify_base_url;
  AlertPolicy alerts;

  // The environment, or a bad_input error naming the environments the policy knows.
  Result<const EnvironmentPolicy*> environment(std::string_view name) const;
};

// Reads and validates policy.yaml against schemas/policy.schema.json under `data_dir`, then
// checks what a schema cannot (known time zones, dates, spans). An error in the file is bad_input
// with a message "FILE:LINE:COL: what was expected"; a missing or broken schema is internal.
Result<Policy> load_policy(const std::filesystem::path& file,
                           const std::filesystem::path& data_dir);

// The same from text already read; `display_name` prefixes error messages.
Result<Policy> parse_policy(std::string content, std::string display_name,
                            const std::filesystem::path& data_dir);

}  // namespace beaver
