#include "policy/policy.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <array>

#include "model/names.hpp"
#include "text/nearest.hpp"

namespace beaver {
namespace {

constexpr std::array<std::string_view, 9> kEvents{
    "approval_needed", "approved",       "rejected",          "deploy_failed", "deployed",
    "rolled_back",     "signature_owed", "signature_overdue", "alert"};
constexpr std::array<std::string_view, 6> kChannelTypes{"webhook", "wecom", "dingtalk",
                                                        "feishu",  "slack", "email"};

}  // namespace

std::string_view to_string(NotifyEvent e) { return kEvents[static_cast<size_t>(e)]; }

std::optional<NotifyEvent> notify_event_from_string(std::string_view text) {
  auto it = std::find(kEvents.begin(), kEvents.end(), text);
  if (it == kEvents.end()) return std::nullopt;
  return static_cast<NotifyEvent>(it - kEvents.begin());
}

std::string_view to_string(ChannelType t) { return kChannelTypes[static_cast<size_t>(t)]; }

std::optional<ChannelType> webhook_format_from_string(std::string_view text) {
  if (text == "generic") return ChannelType::webhook;
  auto it = std::find(kChannelTypes.begin(), kChannelTypes.end(), text);
  if (it == kChannelTypes.end() || *it == "webhook" || *it == "email") return std::nullopt;
  return static_cast<ChannelType>(it - kChannelTypes.begin());
}

std::string AlertPolicy::grade_of(std::string_view severity) const {
  auto it = grades.find(ascii_lower(severity));
  return it == grades.end() ? "warning" : it->second;
}

std::string SmtpTarget::target() const {
  Poco::URI uri;
  uri.setScheme("smtp");
  uri.setHost(host);
  uri.setPort(static_cast<unsigned short>(port));
  // Opportunistic, the default, keeps the short form that notifications queued before carry.
  if (tls != SmtpTls::opportunistic)
    uri.addQueryParameter("tls", tls == SmtpTls::starttls   ? "starttls"
                                 : tls == SmtpTls::implicit ? "implicit"
                                                            : "none");
  if (!user.empty()) {
    uri.addQueryParameter("user", user);
    uri.addQueryParameter("password_env", password_env);
    if (auth_login) uri.addQueryParameter("auth", "login");
  }
  return uri.toString();
}

bool NotifyChannel::wants(NotifyEvent event, std::string_view team) const {
  if (std::find(events.begin(), events.end(), event) == events.end()) return false;
  return teams.empty() || std::find(teams.begin(), teams.end(), team) != teams.end();
}

const std::vector<ApprovalRule>& EnvironmentPolicy::chain_for(ReleaseType type) const {
  // The loader has already filled `rollback` from `emergency` when the policy gave none.
  switch (type) {
    case ReleaseType::normal:
      return normal;
    case ReleaseType::emergency:
      return emergency;
    case ReleaseType::rollback:
      return rollback;
  }
  return normal;  // unreachable: every ReleaseType is handled above
}

Result<const EnvironmentPolicy*> Policy::environment(std::string_view name) const {
  if (auto it = environments.find(name); it != environments.end()) return &it->second;
  std::vector<std::string> known;
  for (const auto& [env_name, env] : environments) known.push_back(env_name);
  std::string near = did_you_mean(nearest_names(name, known));
  return fail(ErrorKind::bad_input, "environment '{}' is not in policy {} ({}it has: {})", name,
              path, near.empty() ? "" : near + " ",
              known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", ")));
}

}  // namespace beaver
