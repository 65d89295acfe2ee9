#include "report/why_emergencies.hpp"

#include <Poco/JSON/Array.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/read_report.hpp"

namespace beaver {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The team's figures from its own report grouped by category: every group but "-" (releases that
// are no emergency) holds emergencies only.
TeamEmergencies team_figures(const std::string& team, const Report& r) {
  TeamEmergencies t;
  t.team = team;
  t.releases = r.totals.releases;
  t.emergencies = r.totals.emergency;
  t.ratio = r.totals.emergency_ratio();
  if (r.previous && r.previous->totals.releases > 0)
    t.previous_ratio = r.previous->totals.emergency_ratio();
  t.categories = r.emergency_by_category;
  t.reasons = r.emergency_reasons;
  for (const auto& g : r.groups) {
    if (g.key == "-") continue;
    t.outside_windows += g.totals.outside_windows;
    t.at_night += g.totals.at_night;
    t.failed += g.totals.failed;
  }
  t.owing_review = r.totals.owing_review;
  return t;
}

std::string percent(double x) { return fmt::format("{:.0f}%", x * 100); }

std::string share(int64_t n, int64_t of) {
  return of == 0 ? fmt::format("{}", n) : fmt::format("{} ({})", n, percent(double(n) / of));
}

}  // namespace

Result<WhyEmergencies> read_why_emergencies(Ledger& ledger, const std::string& actor,
                                            Timestamp since, Timestamp until) {
  auto by_team = read_report(ledger, actor, since, until, ReportBy::team);
  if (!by_team) return std::unexpected(by_team.error());
  WhyEmergencies out;
  out.since = by_team->since;
  out.until = by_team->until;
  std::vector<double> ratios;
  for (const auto& g : by_team->groups) {
    if (g.totals.releases == 0) continue;
    auto team = read_report(ledger, actor, out.since, out.until, ReportBy::category,
                            {g.key, std::nullopt, std::nullopt});
    if (!team) return std::unexpected(team.error());
    out.teams.push_back(team_figures(g.key, *team));
    ratios.push_back(out.teams.back().ratio);
  }
  out.median_ratio = median(ratios);
  for (auto& t : out.teams) t.from_median = t.ratio - out.median_ratio;
  std::stable_sort(out.teams.begin(), out.teams.end(), [](const auto& a, const auto& b) {
    double da = std::abs(a.from_median), db = std::abs(b.from_median);
    if (std::abs(da - db) > 1e-12) return da > db;
    return a.team < b.team;
  });
  return out;
}

Poco::JSON::Object::Ptr why_emergencies_json(const WhyEmergencies& w) {
  using Poco::JSON::Object;
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("since", format_utc(w.since));
  o->set("until", format_utc(w.until));
  o->set("median_ratio", w.median_ratio);
  Poco::JSON::Array::Ptr teams = new Poco::JSON::Array;
  for (const auto& t : w.teams) {
    Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("team", t.team);
    j->set("releases", t.releases);
    j->set("emergencies", t.emergencies);
    j->set("emergency_ratio", t.ratio);
    j->set("from_median", t.from_median);
    j->set("previous_ratio",
           t.previous_ratio ? Poco::Dynamic::Var(*t.previous_ratio) : Poco::Dynamic::Var());
    Object::Ptr categories = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [k, n] : t.categories) categories->set(k, n);
    j->set("categories", categories);
    Object::Ptr reasons = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [category, top] : t.reasons) {
      Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
      for (const auto& r : top) {
        Object::Ptr x = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        x->set("reason", r.reason);
        x->set("count", r.count);
        list->add(x);
      }
      reasons->set(category, list);
    }
    j->set("reasons", reasons);
    j->set("outside_windows", t.outside_windows);
    j->set("at_night", t.at_night);
    j->set("failed", t.failed);
    j->set("owing_review", t.owing_review);
    teams->add(j);
  }
  o->set("teams", teams);
  return o;
}

std::string why_emergencies_text(const WhyEmergencies& w) {
  std::string out = fmt::format(
      "why emergencies: releases submitted from {} to {};\nthe teams' median share of "
      "emergencies is {}\n",
      format_utc(w.since), format_utc(w.until), percent(w.median_ratio));
  if (w.teams.empty()) return out + "no team submitted a release in the period\n";
  for (const auto& t : w.teams) {
    out += fmt::format(
        "\n{}: {} of {} releases were emergencies ({}, {:+.0f} points from the "
        "median",
        t.team, t.emergencies, t.releases, percent(t.ratio), t.from_median * 100);
    out += t.previous_ratio ? fmt::format("; {} the period before)\n", percent(*t.previous_ratio))
                            : std::string("; no release the period before)\n");
    if (t.emergencies == 0) continue;
    std::string categories;
    for (const auto& [k, n] : t.categories)
      categories += fmt::format("{}{} {}", categories.empty() ? "" : ", ", k, n);
    out += fmt::format("  categories: {}\n", categories);
    for (const auto& [category, top] : t.reasons) {
      std::string line = fmt::format("  {}:", category);
      for (size_t i = 0; i < top.size() && i < 3; ++i)
        line += fmt::format("{} \"{}\" {}", i ? "," : "", top[i].reason, top[i].count);
      out += line + "\n";
    }
    out += fmt::format(
        "  outside the windows {}, at night {}, failed or rolled back {}, reviews overdue {}\n",
        share(t.outside_windows, t.emergencies), share(t.at_night, t.emergencies),
        share(t.failed, t.emergencies), share(t.owing_review, t.emergencies));
  }
  return out;
}

}  // namespace beaver
