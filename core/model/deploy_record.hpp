#pragma once
// A deploy run of a release as the ledger records it: the run, its steps on each host, the lines
// of its story, and the lease that keeps two deploys of one place apart.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clock/clock.hpp"

namespace beaver {

// One run of a release on its hosts.
struct DeployRecord {
  int64_t id = 0;
  int64_t release_id = 0;
  std::string actor;
  std::string status;   // running | deployed | failed | rolled_back | interrupted
  std::string batches;  // "1,50%,100%" as planned
  Timestamp started_at{};
  std::optional<Timestamp> finished_at;
  std::optional<std::string> message;  // why it failed or stopped

  // A repair puts the live release's package back on the hosts that drifted from it, which is
  // its plan: its `batches` say so. It leaves the release's state as it is.
  static constexpr std::string_view kRepair = "repair";
  bool repair() const { return batches == kRepair; }
};

// One step on one host of a deploy.
struct DeployStep {
  int64_t deploy_id = 0;
  std::string host;  // the host's URL as in beaver.yaml
  int batch = 0;
  std::string step;    // upload, verify, unpack, stop, switch, start, health, prune, restore...
  std::string status;  // ok | failed | skipped
  Timestamp started_at{};
  int64_t elapsed_ms = 0;
  std::string output;
};

// A line of a deploy's story beside its steps (see 0010_deploy_events.sql).
struct DeployEvent {
  int64_t deploy_id = 0;
  int64_t after_steps = 0;  // the deploy's steps recorded before it
  std::string kind;         // host (a host finished) | note | outcome (a host's, once ended)
  std::string host;         // empty for a note
  int batch = 0;
  std::string outcome;  // deployed, unchanged, restored, failed, not_started; empty for a note
  std::string note;
};

// Who holds a service's environment for deploying, until when.
struct DeployLease {
  std::string service;
  std::string env;
  int64_t deploy_id = 0;
  std::string actor;
  std::string machine;    // host name of the machine the deploy runs on
  int64_t pid = 0;        // the deploying process there
  std::string pid_start;  // its start time (from /proc), so a reused pid is not mistaken for it
  Timestamp acquired_at{};
  Timestamp expires_at{};
  std::optional<std::string> stop_requested_by;  // who asked the deploy to stop between steps
};

}  // namespace beaver
