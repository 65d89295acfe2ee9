#include "seed/synthetic_history.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>

#include "audit/audit.hpp"

namespace beaver {
namespace {

using std::chrono::seconds;

constexpr int64_t kMaxReleases = 10'000'000;
constexpr int64_t kMaxTeams = 999;
constexpr int kServicesPerTeam = 3;
// Weights of the hours of a local day: 9 parts of 99 at night (22:00-07:00).
constexpr std::array<int, 24> kHourWeights = {1, 1, 1, 1, 1, 1, 1, 3, 3, 8, 8, 8,
                                              8, 8, 8, 8, 8, 8, 3, 3, 3, 3, 1, 1};
constexpr double kWeekendDayWeight = 0.2;
constexpr uint64_t kPackageStream = 0x9e3779b97f4a7c15;
// What people write for their emergencies, the way they write it: in Chinese and in English,
// with and without a full stop, in either case; the report groups the spellings of one reason.
// A few come far more often than the rest, as in a real team.
constexpr std::array<const char*, 16> kReasons = {"修复支付超时",
                                                  "修复支付超时。",
                                                  "修复支付超时",
                                                  "Fix payment timeout",
                                                  "fix payment timeout.",
                                                  "客户投诉，紧急修复",
                                                  "数据修复：补单",
                                                  "数据修复：补单。",
                                                  "安全漏洞补丁",
                                                  "Security patch",
                                                  "监管要求上线",
                                                  "线上故障回滚后修复",
                                                  "配置错误",
                                                  "配置错误！",
                                                  "hotfix for login",
                                                  "修复支付超时"};

// mt19937_64 is specified exactly by the standard, and the mappings below are ours, so a seed
// gives the same history with any standard library.
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  uint64_t below(uint64_t n) { return engine_() % n; }
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  int64_t log_uniform(int64_t lo, int64_t hi) {
    double l = std::log(static_cast<double>(lo)), h = std::log(static_cast<double>(hi));
    return std::llround(std::exp(l + unit() * (h - l)));
  }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

struct SeedTeam {
  std::string name;
  std::vector<std::string> services;
  std::map<Role, std::vector<std::string>> people;
};

// How many people of each role a team needs so that every step of every chain can be met by
// people other than the submitter, and someone of the team may deploy.
std::map<Role, int> people_needed(const Policy& policy) {
  std::map<Role, int> need{{Role::developer, 2}, {Role::leader, 1}, {Role::ops, 1}};
  for (const auto& [name, env] : policy.environments)
    for (auto type : {ReleaseType::normal, ReleaseType::emergency, ReleaseType::rollback})
      for (const auto& rule : env.chain_for(type))
        need[rule.role] = std::max(need[rule.role], rule.count + 1);
  return need;
}

class HistoryWriter {
 public:
  HistoryWriter(StoreTransaction& tx, const Policy& policy, const SeedOptions& o, Timestamp now)
      : tx_(tx),
        policy_(policy),
        o_(o),
        now_(now),
        random_(o.seed),
        package_random_(o.seed ^ kPackageStream) {
    for (const auto& [name, env] : policy.environments) environments_.push_back(&env);
    categories_ = policy.emergency_categories;
    if (categories_.empty()) categories_ = {"hotfix"};
  }

  void add_teams() {
    int width = std::max<int>(2, static_cast<int>(std::to_string(o_.teams).size()));
    auto need = people_needed(policy_);
    for (int64_t t = 1; t <= o_.teams; ++t) {
      SeedTeam team;
      team.name = fmt::format("team-{:0{}}", t, width);
      for (int s = 1; s <= kServicesPerTeam; ++s) {
        auto name = fmt::format("{}-svc-{}", team.name, s);
        if (!tx_.find_service(name)) {
          tx_.insert_service(Service{name, team.name, now_});
          ++summary_.services_added;
        }
        team.services.push_back(name);
      }
      for (auto [role, count] : need)
        for (int i = 1; i <= count; ++i) {
          auto name = fmt::format("{}-{}-{}", team.name, to_string(role), i);
          if (!tx_.find_user(name)) {
            tx_.insert_user(User{name, team.name, {role}, now_});
            ++summary_.users_added;
          }
          team.people[role].push_back(name);
        }
      teams_.push_back(std::move(team));
    }
  }

  // Days first (how many releases each local day gets), then each day's times in order.
  void add_releases() {
    const auto* zone = policy_.zone;
    auto first = date::floor<date::days>(zone->to_local(o_.since));
    auto last = date::floor<date::days>(zone->to_local(o_.until - seconds{1}));
    std::vector<double> weights;
    for (auto d = first; d <= last; d += date::days{1}) {
      unsigned wd = date::weekday{d}.c_encoding();
      weights.push_back(wd == 0 || wd == 6 ? kWeekendDayWeight : 1.0);
    }
    double total = 0;
    for (double w : weights) total += w;
    double before = 0;
    int64_t written = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      before += weights[i];
      auto upto = i + 1 == weights.size()
                      ? o_.releases
                      : static_cast<int64_t>(static_cast<double>(o_.releases) * before / total);
      add_day(first + date::days{static_cast<int>(i)}, upto - written);
      written = upto;
    }
  }

  SeedSummary finish(const std::string& actor) {
    // The runs were written as each release was, not in the order they ended.
    tx_.mark_replaced();
    auto entry = append_audit(tx_, now_, actor, "dev.seed", fmt::format("seed/{}", o_.seed),
                              AuditPayload()
                                  .set("releases", summary_.releases)
                                  .set("approvals", summary_.approvals)
                                  .set("deploys", summary_.deploys)
                                  .set("packages", summary_.packages)
                                  .set("teams", o_.teams)
                                  .set("seed", std::to_string(o_.seed))
                                  .set("since", format_utc(o_.since))
                                  .set("until", format_utc(o_.until))
                                  .set("first_release", summary_.first_release)
                                  .set("last_release", summary_.last_release)
                                  .set("users_added", summary_.users_added)
                                  .set("services_added", summary_.services_added)
                                  .set("note", "synthetic history written by beaver dev seed"));
    summary_.audit_seq = entry.seq;
    return summary_;
  }

 private:
  void add_day(date::local_days day, int64_t count) {
    std::vector<Timestamp> times;
    times.reserve(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) times.push_back(time_in(day));
    std::sort(times.begin(), times.end());
    for (auto t : times) add_release(t);
  }

  // A time on `day` by the hour weights, inside [since, until).
  Timestamp time_in(date::local_days day) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
      int pick = static_cast<int>(random_.below(99)), hour = 0;
      while (pick >= kHourWeights[static_cast<size_t>(hour)])
        pick -= kHourWeights[static_cast<size_t>(hour++)];
      auto local = day + std::chrono::hours{hour} + seconds{random_.below(3600)};
      auto t = date::floor<seconds>(policy_.zone->to_sys(local, date::choose::earliest));
      if (t >= o_.since && t < o_.until) return t;
    }
    return o_.since;
  }

  void add_release(Timestamp at) {
    const SeedTeam& team = teams_[random_.below(teams_.size())];
    Release r;
    r.service = random_.pick(team.services);
    const EnvironmentPolicy& env = *environments_[random_.below(environments_.size())];
    r.env = env.name;
    r.version = fmt::format("1.0.{}", summary_.releases + 1);
    double kind = random_.unit();
    r.type = kind < 0.80   ? ReleaseType::normal
             : kind < 0.95 ? ReleaseType::emergency
                           : ReleaseType::rollback;
    if (r.type == ReleaseType::emergency) {
      r.category = random_.pick(categories_);
      // Read off the submit time rather than drawn: a reason takes nothing from the random
      // stream, so it changes no other draw of the history.
      r.reason = kReasons[static_cast<size_t>(at.time_since_epoch().count()) % kReasons.size()];
    }
    r.submitter = random_.pick(team.people.at(Role::developer));
    r.submitted_at = at;
    const auto& chain = env.chain_for(r.type);
    std::vector<Approval> approvals;
    if (chain.empty()) {
      r.state = ReleaseState::approved;
      r.approved_at = at;
    } else {
      decide(r, team, chain, approvals);
    }
    r.package_sha256 = add_package(r);
    auto run = deploy(r, team);
    int64_t id = tx_.insert_release(r);
    for (auto& a : approvals) {
      a.release_id = id;
      tx_.insert_approval(a);
    }
    if (run) {
      run->release_id = id;
      tx_.insert_deploy(*run);
      ++summary_.deploys;
    }
    if (summary_.first_release == 0) summary_.first_release = id;
    summary_.last_release = id;
    ++summary_.releases;
    summary_.approvals += static_cast<int64_t>(approvals.size());
  }

  // The package a release ships, registered as it is submitted, built from a commit made
  // log-uniformly 10 minutes to 7 days before. Its draws come from a stream of their own, so the
  // releases, approvals and runs are those the seed gave before seeds wrote packages. The
  // SHA-256 is a counter (an increasing key is cheap to index), marked by its "5eed" prefix.
  std::string add_package(const Release& r) {
    int64_t n = summary_.packages + 1;
    PackageRecord p;
    p.sha256 = fmt::format("5eed{:060x}", n);
    p.service = r.service;
    p.version = r.version;
    p.file_name = fmt::format("{}-{}.tar.gz", r.service, r.version);
    p.size = 1 << 20;
    p.commit = fmt::format("{:040x}", n);
    p.commit_time = r.submitted_at - seconds{package_random_.log_uniform(600, 7 * 86400)};
    p.builder = r.submitter;
    p.registered_at = r.submitted_at;
    p.manifest_json = fmt::format(
        R"({{"format":1,"service":"{}","version":"{}","git":{{"commit":"{}","commit_time":"{}"}},)"
        R"("synthetic":true}})",
        p.service, p.version, p.commit, format_utc(p.commit_time));
    tx_.insert_package(p);
    ++summary_.packages;
    return p.sha256;
  }

  // The one deploy run of an approved release, by an ops person of its team, if it ends before
  // `until` (and starts before the approval expires): started 1 to 30 minutes (emergencies and
  // rollbacks) or 5 minutes to 8 hours after the approval, lasting 30 seconds to 30 minutes,
  // ending deployed (90%), failed (6%) or rolled_back (4%); the release ends in the same state
  // (until a later one replaces it).
  std::optional<DeployRecord> deploy(Release& r, const SeedTeam& team) {
    if (r.state != ReleaseState::approved) return std::nullopt;
    bool urgent = r.type != ReleaseType::normal;
    auto started = *r.approved_at + seconds{urgent ? random_.log_uniform(60, 1800)
                                                   : random_.log_uniform(300, 8 * 3600)};
    auto finished = started + seconds{random_.log_uniform(30, 1800)};
    double outcome = random_.unit();
    const auto& ops = random_.pick(team.people.at(Role::ops));
    if (finished >= o_.until || started > *r.approved_at + policy_.approval_expires)
      return std::nullopt;  // still to deploy at the end of the history
    DeployRecord d;
    d.actor = ops;
    d.batches = "100%";
    d.started_at = started;
    d.finished_at = finished;
    if (outcome < 0.90) {
      d.status = "deployed";
      r.state = ReleaseState::deployed;
      r.deployed_at = finished;
    } else if (outcome < 0.96) {
      d.status = "failed";
      d.message = "synthetic failure: the health check failed";
      r.state = ReleaseState::failed;
    } else {
      d.status = "rolled_back";
      d.message = "synthetic failure: switched back to the previous release";
      r.state = ReleaseState::rolled_back;
    }
    return d;
  }

  // Cancelled, rejected, approved or still waiting, and the approvals given.
  void decide(Release& r, const SeedTeam& team, const std::vector<ApprovalRule>& chain,
              std::vector<Approval>& approvals) {
    bool emergency = r.type == ReleaseType::emergency;
    auto wait = [&] {
      return seconds{emergency ? random_.log_uniform(120, 7200)
                               : random_.log_uniform(600, 2 * 86400)};
    };
    double fate = random_.unit();
    if (fate < 0.04) {
      auto at = r.submitted_at + seconds{random_.log_uniform(60, 3600)};
      if (at < o_.until) close(r, ReleaseState::cancelled, r.submitter, at, "synthetic cancel");
      return;
    }
    auto people = [&](const ApprovalRule& rule) {
      std::vector<std::string> out;
      for (const auto& p : team.people.at(rule.role))
        if (p != r.submitter) out.push_back(p);
      return out;
    };
    if (fate < 0.10) {
      auto at = r.submitted_at + wait();
      if (at < o_.until)
        close(r, ReleaseState::rejected, random_.pick(people(chain.front())), at,
              "synthetic rejection");
      return;
    }
    auto binding = approval_binding(r);
    auto at = r.submitted_at;
    std::vector<std::string> given;
    for (size_t step = 0; step < chain.size(); ++step) {
      auto candidates = people(chain[step]);
      std::erase_if(candidates, [&](const std::string& p) {
        return std::find(given.begin(), given.end(), p) != given.end();
      });
      for (int n = 0; n < chain[step].count && !candidates.empty(); ++n) {
        at += wait();
        if (at >= o_.until) return;  // still waiting at the end of the history
        auto who =
            candidates.begin() + static_cast<std::ptrdiff_t>(random_.below(candidates.size()));
        approvals.push_back(Approval{0, *who, static_cast<int>(step),
                                     std::string(to_string(chain[step].role)), binding,
                                     std::nullopt, at});
        given.push_back(*who);
        candidates.erase(who);
      }
    }
    r.state = ReleaseState::approved;
    r.approved_at = at;
    if (emergency && random_.chance(0.70)) {
      auto deadline = std::max<int64_t>(3600, policy_.review_deadline.count());
      auto reviewed = at + seconds{3600 + static_cast<int64_t>(random_.below(
                                              static_cast<uint64_t>(deadline - 3600 + 1)))};
      if (reviewed < o_.until) {
        auto leaders = team.people.find(Role::leader);
        r.reviewed_by = leaders != team.people.end() ? random_.pick(leaders->second) : r.submitter;
        r.reviewed_at = reviewed;
        r.review_notes = "synthetic review";
      }
    }
  }

  void close(Release& r, ReleaseState state, const std::string& who, Timestamp at,
             const char* comment) {
    r.state = state;
    r.closed_by = who;
    r.closed_at = at;
    r.close_comment = comment;
  }

  StoreTransaction& tx_;
  const Policy& policy_;
  const SeedOptions& o_;
  Timestamp now_;
  Random random_, package_random_;
  std::vector<const EnvironmentPolicy*> environments_;
  std::vector<std::string> categories_;
  std::vector<SeedTeam> teams_;
  SeedSummary summary_;
};

}  // namespace

Result<SeedSummary> seed_history(Store& store, const Policy& policy, const std::string& actor,
                                 const SeedOptions& o, Timestamp now) {
  if (o.releases < 1 || o.releases > kMaxReleases)
    return bad_field("releases", "the number of releases must be from 1 to {}, not {}",
                     kMaxReleases, o.releases);
  if (o.teams < 1 || o.teams > kMaxTeams)
    return bad_field("teams", "the number of teams must be from 1 to {}, not {}", kMaxTeams,
                     o.teams);
  if (o.until <= o.since)
    return fail(ErrorKind::bad_input, "the history must end ({}) after it starts ({})",
                format_utc(o.until), format_utc(o.since));
  if (policy.environments.empty())
    return fail(ErrorKind::bad_input, "{} has no environments to release to", policy.path);
  SeedSummary summary;
  BEAVER_TRY(store.write([&](StoreTransaction& tx) -> Result<void> {
    auto me = tx.find_user(actor);
    if (!me) return fail(ErrorKind::unauthenticated, "no user '{}' in the ledger", actor);
    if (!me->has(Role::admin))
      return fail(ErrorKind::refused, "only an admin seeds a synthetic history");
    ReleaseFilter any;
    any.limit = 1;
    if (!tx.list_releases(any).empty())
      return fail(ErrorKind::conflict,
                  "the ledger already holds releases; seed a fresh BEAVER_HOME (synthetic "
                  "history is never mixed with real releases)");
    HistoryWriter writer(tx, policy, o, now);
    writer.add_teams();
    writer.add_releases();
    summary = writer.finish(actor);
    return {};
  }));
  return summary;
}

}  // namespace beaver
