// A repair: the live release's package back on the hosts that drifted from it.

#include "deploy/status.hpp"

namespace beaver {

std::optional<std::string> repair_command(const EnvStatus& status) {
  if (!status.live) return std::nullopt;
  bool drifted = std::any_of(status.hosts.begin(), status.hosts.end(),
                             [](const HostStatus& h) { return h.reachable && !h.drift.empty(); });
  if (!drifted) return std::nullopt;
  return fmt::format("beaver deploy {} --repair", status.live->id);
}

Result<DeployPlan> repair_plan(Ledger& ledger, const std::string& actor, DeployPlan plan,
                               const DeployOptions& options) {
  const Release& r = plan.release;
  DeployOptions whole = options;
  whole.repair = false;
  whole.batches.reset();
  auto status = env_status(ledger, actor, r.service, r.env, whole);
  if (!status) return std::unexpected(status.error());
  if (!status->live || status->live->id != r.id)
    return fail(ErrorKind::conflict,
                "release {} is not the release live on {}{}: a repair puts the live release back "
                "on the hosts that drift",
                r.id, r.env,
                status->live ? fmt::format(" (that is release {}, {})", status->live->id,
                                           status->live->version)
                             : std::string());
  std::vector<PlannedHost> drifted;
  std::vector<std::string> unreachable;
  for (const auto& batch : plan.batches)
    for (const auto& p : batch) {
      auto h = std::find_if(status->hosts.begin(), status->hosts.end(),
                            [&](const HostStatus& s) { return s.host == p.host.url; });
      if (h == status->hosts.end()) continue;
      if (!h->reachable)
        unreachable.push_back(p.host.url);
      else if (!h->drift.empty())
        drifted.push_back({p.host, p.port, 0});
    }
  if (drifted.empty())
    return fail(ErrorKind::refused,
                "no host of {} on {} drifts from release {}: nothing to repair{}", r.service, r.env,
                r.id,
                unreachable.empty()
                    ? std::string()
                    : fmt::format(" ({} could not be reached)", fmt::join(unreachable, ", ")));
  plan.batches = {std::move(drifted)};
  plan.batches_text = std::string(DeployRecord::kRepair);
  plan.repair = true;
  return plan;
}

}  // namespace beaver
