#include "report/report_figures.hpp"

namespace beaver {

std::string_view report_figures_help() {
  return R"(Figures (over the releases submitted in the period; cancelled releases count nowhere):
  releases         submitted releases of every type
  normal, emergency, rollback
                   releases of that type
  emergency_ratio  emergency / releases (0 for an empty period)
  rejected         releases an approver rejected
  deployed         releases deployed and still live, or replaced since by a later one
  failed           releases in the failed or rolled_back state now
  outside_windows  releases of any type submitted while their environment took no normal
                   release: outside all its windows or inside a freeze, as the policy says now
  at_night         releases submitted inside the policy's night span (from-to, local time)
  at_weekend       releases submitted on a Saturday or a Sunday (local time)
  owing_review     emergencies whose post-release review is overdue now, as release list
                   --owing-review counts them: no review, and review_deadline has passed since
                   their deploy (since their approval while no deploy is recorded)
  approved         releases people approved (those approved on submit, with no approval
                   needed, are left out); approval wait is submit to approved (the last
                   approval when an expired one was given again), over those releases
  wait median      nearest rank: the wait at rank ceil(n/2) of the n waits in ascending order
  wait p90         nearest rank: the wait at rank ceil(0.9 n)
  emergency_by_category  emergencies per reason category
  emergency_by_approver  emergencies each person gave an approval to
Deploy figures (over the deploy runs that ended, by finished_at, in the period; runs still
running or interrupted count nowhere):
  deploy duration  started to finished of the runs that ended deployed, failed or rolled_back:
                   median and p90, nearest rank as for the wait
  deploys          runs that ended deployed (successful deploys)
  deployment_frequency  deploys / days covered: the days of the period; for a group by week,
                   the days of that week in the period (of that month, by month); by
                   weekday, the days of the period
                   that are that weekday; by hour, the times that hour comes in the period
                   (once a day); part of a day counts as a fraction
  lead_time        commit time in the package's manifest to the successful run's finish,
                   over the deploys with a package: median and p90 (hours in JSON and CSV)
  change_failure_rate  failed changes / runs that ended deployed, failed or rolled_back; a
                   failed change is a run that ended failed or rolled_back, or a successful
                   run whose release was rolled back since, or one whose next successful
                   deploy to the same service and environment was an emergency or a rollback
  time_to_restore  a run that ended failed or rolled_back to the next successful deploy of
                   the same service and environment (even after the period): median; failures
                   with none yet are still_open and not in the median
  null (JSON) or "-" (table) where there is nothing to measure; deployment_frequency is 0 then
Deploy figures per group: a run counts in its release's group by team, service, env and
category ("-" for a release that is no emergency); by approver, once in the group of each
person who approved its release (runs of releases approved on submit are in no group); by
month, week, weekday and hour, in the group of the local time it ended (read as submit times
are).
A run's duration, lead time and failed change count in the run's own group, even when what
made its change fail comes in a later group; a failure's time to restore (or its still_open)
counts in the failure's group, though the deploy that restored it may come in a later one.
Clocks: night, weekends and windows are read in the environment's time zone (the policy's
timezone unless the environment sets its own; services have no time zone of their own).
Months, weeks, weekdays and hours (--by) are read in the policy's timezone, for submit times and
deploy ends alike: months "2026-11", ISO 8601 weeks, Monday to Sunday ("2026-W48"), weekdays
"1 mon" to "7 sun", hours "00" to "23".
Against the period before: each headline figure beside its value over the period of the same
length that ends where this one starts (previous in JSON), and its change.
DORA bands: elite, high, medium or low for deployment_frequency (at least 1 a day, 1 a week,
1 in 30 days), lead_time median (under 24 h, 7 days, 30 days), change_failure_rate (at most
5 %, 10 %, 15 %) and time_to_restore (under 1 h, 24 h, 7 days), after the clusters of the 2023
Accelerate State of DevOps report; below the medium line is low.
--team, --service, --env: only the releases of that team's services, that service or that
environment, and only the deploy runs of those services and environments.
--by approver: a release counts once for each person who approved it; releases nobody
approved are in no group; the total row still holds every release.
)";
}

}  // namespace beaver
