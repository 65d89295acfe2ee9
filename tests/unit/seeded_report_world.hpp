#pragma once
// A ledger seeded with three months of history (3,000 releases and their deploy runs) under a
// policy with windows and approvals, and a report's JSON text to compare two reports by: what
// the report tests that read one ledger on two connections share, on either store.

#include <Poco/JSON/Stringifier.h>
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "ledger_world.hpp"
#include "report/report_json.hpp"
#include "seed/synthetic_history.hpp"

namespace beaver::test {

inline const char* kSeededPolicy = R"(timezone: Asia/Shanghai
approval_expires: 24h
review_deadline: 48h
emergency_categories: [hotfix, security]
environments:
  prod:
    windows: [{days: [mon, tue, wed, thu], from: "10:00", to: "17:00"}]
    normal:
      approvals: [{role: developer}, {role: leader, same_team: true}]
    emergency:
      approvals: [{role: leader, same_team: true}]
  test:
    normal: {approvals: []}
    emergency: {approvals: []}
)";

inline std::string json_text(const Report& r) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(report_json(r), out, 1);
  return out.str();
}

struct SeededWorld {
  World w{kSeededPolicy};
  Timestamp since = *parse_iso8601("2026-08-01T00:00:00Z");
  Timestamp until = *parse_iso8601("2026-11-01T00:00:00Z");

  SeededWorld() {
    SeedOptions o{3000, 3, 7, since, until};
    auto seeded = seed_history(*w.store, w.policy, "ann", o, until);
    REQUIRE_MESSAGE(seeded.has_value(), seeded.error().message);
    REQUIRE(seeded->deploys > 1000);
  }
};

}  // namespace beaver::test
