#pragma once
// "Why is every release an emergency?" answered team by team over a period: each team's share of
// emergencies against the company's median, its change against the period before, what its
// emergencies were (categories, the reasons written most), how many came outside the release
// windows or at night, how many failed or were rolled back, and the reviews still owed; the teams
// ranked by how far their share is from the median.

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "error/error.hpp"
#include "ledger/ledger.hpp"
#include "report/report.hpp"

namespace beaver {

struct TeamEmergencies {
  std::string team;
  int64_t releases = 0;
  int64_t emergencies = 0;
  double ratio = 0;                      // emergencies / releases
  double from_median = 0;                // ratio - the company's median
  std::optional<double> previous_ratio;  // over the period before; absent when it had no release
  std::map<std::string, int64_t> categories;
  std::map<std::string, std::vector<ReasonCount>> reasons;  // per category, as Report has them
  // Of the team's emergencies:
  int64_t outside_windows = 0;  // submitted while the environment took no normal release
  int64_t at_night = 0;         // submitted in the policy's night
  int64_t failed = 0;           // now failed or rolled back
  int64_t owing_review = 0;     // whose review is overdue now
};

struct WhyEmergencies {
  Timestamp since{};
  Timestamp until{};
  // The median of the teams' ratios (of the teams with a release in the period; the mean of the
  // two middle ones for an even count); 0 with no team.
  double median_ratio = 0;
  // Farthest from the median first (by the absolute difference), then by name.
  std::vector<TeamEmergencies> teams;
};

// The teams' emergencies over [since, until), each read in the ledger's snapshot of its own
// report (read_report). A period that does not end after it begins is bad input.
Result<WhyEmergencies> read_why_emergencies(Ledger& ledger, const std::string& actor,
                                            Timestamp since, Timestamp until);

// As `beaver report --why-emergencies -o json` prints it.
Poco::JSON::Object::Ptr why_emergencies_json(const WhyEmergencies& why);

// As a terminal shows it: one block per team, in rank order, lines of at most 100 columns.
std::string why_emergencies_text(const WhyEmergencies& why);

}  // namespace beaver
