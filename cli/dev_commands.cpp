// beaver dev seed: tools for people who work on beaver itself (a synthetic history for tests,
// demos and benchmarks).

#include <chrono>

#include "command_help.hpp"
#include "commands.hpp"
#include "seed/synthetic_history.hpp"

namespace beaver::cli {

void register_dev_commands(CLI::App& app, Context& ctx) {
  auto* dev = app.add_subcommand("dev", "tools for developing beaver itself");
  dev->require_subcommand(1);
  struct Args {
    int64_t releases = 0, teams = 1;
    uint64_t seed = 1;
    std::string since, until;
  };
  auto a = std::make_shared<Args>();
  auto* seed = dev->add_subcommand("seed", "write a synthetic release history");
  add_help(*seed,
           "Into an empty ledger, as one transaction with one audit entry. The same seed writes "
           "the same history; the distribution is described in docs/reference/cli.md.",
           {"beaver dev seed --releases 100000 --teams 4 --seed 7"});
  seed->add_option("--releases", a->releases, "how many releases (1 to 10,000,000)")->required();
  seed->add_option("--teams", a->teams, "how many teams, 3 services each (1 to 999)");
  seed->add_option("--seed", a->seed, "the random seed (default 1)");
  seed->add_option("--since", a->since, "first day (YYYY-MM-DD; default: a year before now)");
  seed->add_option("--until", a->until, "last day, included (YYYY-MM-DD; default: now)");
  on_run(seed, ctx, [&ctx, a]() -> Result<void> {
    BEAVER_TRY(ctx.local_only());
    auto actor = ctx.actor();
    if (!actor) return std::unexpected(actor.error());
    auto policy = ctx.policy();
    if (!policy) return std::unexpected(policy.error());
    auto clock = ctx.clock();
    if (!clock) return std::unexpected(clock.error());
    auto now = (*clock)->now();
    SeedOptions o{a->releases, a->teams, a->seed, now - std::chrono::days(365), now};
    if (!a->since.empty()) {
      auto t = parse_day_or_time(a->since, (*policy)->zone, false);
      if (!t) return fail(ErrorKind::bad_input, "--since: {}", t.error().message);
      o.since = *t;
    }
    if (!a->until.empty()) {
      auto t = parse_day_or_time(a->until, (*policy)->zone, true);
      if (!t) return fail(ErrorKind::bad_input, "--until: {}", t.error().message);
      o.until = *t;
    }
    auto store = ctx.store(Access::write);
    if (!store) return std::unexpected(store.error());
    auto started = std::chrono::steady_clock::now();
    auto s = seed_history(**store, **policy, *actor, o, now);
    if (!s) return std::unexpected(s.error());
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    ctx.out.line(fmt::format(
        "{} releases seeded (ids {} to {}) with {} packages, {} approvals and {} deploy runs for "
        "{} teams, from {} to {}, in {:.1f} s; added {} users and {} services; audit entry {} "
        "records the seed",
        s->releases, s->first_release, s->last_release, s->packages, s->approvals, s->deploys,
        o.teams, format_utc(o.since), format_utc(o.until), took.count(), s->users_added,
        s->services_added, s->audit_seq));
    return {};
  });
}

}  // namespace beaver::cli
