#include "policy/approval_chain.hpp"

#include <algorithm>

namespace beaver {

std::vector<Approval> live_approvals(const Release& release, const std::vector<Approval>& all,
                                     Timestamp now, std::chrono::seconds expires) {
  auto binding = approval_binding(release);
  std::vector<Approval> live;
  for (const auto& a : all)
    if (a.binding == binding && now < a.approved_at + expires) live.push_back(a);
  return live;
}

ChainStatus evaluate_chain(const std::vector<ApprovalRule>& chain,
                           const std::vector<Approval>& live) {
  ChainStatus status;
  for (const auto& rule : chain) status.steps.push_back({rule, {}});
  for (const auto& a : live) {
    if (a.step < 0 || static_cast<size_t>(a.step) >= status.steps.size()) continue;
    auto& step = status.steps[a.step];
    auto& who = step.approvers;
    // An approval given for another role (the policy changed since) does not count.
    if (a.role != to_string(step.rule.role)) continue;
    // A stand-in's approval counts as the approval of the person it was given for.
    if (!step.complete() && std::find(who.begin(), who.end(), a.principal()) == who.end())
      who.push_back(a.principal());
  }
  for (size_t i = 0; i < status.steps.size(); ++i)
    if (!status.steps[i].complete()) {
      status.open_step = i;
      break;
    }
  return status;
}

std::optional<std::string> why_not_eligible(const ApprovalRule& rule, const User& user,
                                            const std::string& service_team,
                                            const std::string& submitter) {
  if (user.name == submitter) return fmt::format("{} submitted this release", user.name);
  if (!user.has(rule.role))
    return fmt::format("{} is not {} (roles: {})", user.name, with_article(to_string(rule.role)),
                       roles_text(user.roles));
  if (rule.same_team && user.team != service_team)
    return fmt::format("{} is in team {}; the step wants {} of team {}", user.name, user.team,
                       with_article(to_string(rule.role)), service_team);
  return std::nullopt;
}

std::string describe_need(const StepStatus& step, const std::string& service_team) {
  int n = step.missing();
  std::string role(to_string(step.rule.role));
  return fmt::format("{} approval{} by {}{}", n, n == 1 ? "" : "s",
                     n == 1 ? with_article(role) : "distinct " + plural(role),
                     step.rule.same_team ? fmt::format(" of team {}", service_team) : "");
}

std::string nobody_can_approve(const StepStatus& step, size_t index,
                               const std::vector<User>& holders, const std::string& service_team,
                               const std::string& submitter,
                               const std::vector<std::string>& approved, const std::string& chain) {
  std::string role(to_string(step.rule.role));
  std::string of_team = step.rule.same_team ? fmt::format(" of team {}", service_team) : "";
  std::vector<std::string> out;
  for (const auto& u : holders) {
    if (u.name == submitter)
      out.push_back(fmt::format("{} submitted the release", u.name));
    else if (std::find(approved.begin(), approved.end(), u.name) != approved.end())
      out.push_back(fmt::format("{} approved it already and counts once", u.name));
  }
  std::string why = out.empty()
                        ? fmt::format("no registered user is {}{}", with_article(role), of_team)
                        : fmt::format("{}", fmt::join(out, "; "));
  return fmt::format(
      "nobody can approve step {}: it needs {}, and {}. To unblock it, an admin gives the {} role "
      "to another user{} ('beaver user update NAME --team {} --role {}' with the user's other "
      "roles), or the policy's {} chain asks for less",
      index + 1, describe_need(step, service_team), why, role, of_team,
      step.rule.same_team ? service_team : "TEAM", role, chain);
}

Result<size_t> approval_step_for(const Release& release, const ChainStatus& status,
                                 const User& approver, const std::string& service_team) {
  if (approver.name == release.submitter)
    return fail(ErrorKind::refused, "{} submitted release {}; someone else must approve it",
                approver.name, release.id);
  for (size_t i = 0; i < status.steps.size(); ++i) {
    const auto& who = status.steps[i].approvers;
    if (std::find(who.begin(), who.end(), approver.name) != who.end())
      return fail(ErrorKind::refused,
                  "{} already approved release {} (step {}); one person counts once", approver.name,
                  release.id, i + 1);
  }
  if (!status.open_step)
    return fail(ErrorKind::conflict, "release {} needs no more approvals", release.id);
  size_t open = *status.open_step;
  const auto& step = status.steps[open];
  auto why = why_not_eligible(step.rule, approver, service_team, release.submitter);
  if (!why) return open;
  for (size_t later = open + 1; later < status.steps.size(); ++later)
    if (!why_not_eligible(status.steps[later].rule, approver, service_team, release.submitter))
      return fail(ErrorKind::refused,
                  "step {} of release {} is not open yet: step {} still needs {}", later + 1,
                  release.id, open + 1, describe_need(step, service_team));
  return fail(ErrorKind::refused, "{} cannot approve release {}: step {} needs {}, and {}",
              approver.name, release.id, open + 1, describe_need(step, service_team), *why);
}

}  // namespace beaver
