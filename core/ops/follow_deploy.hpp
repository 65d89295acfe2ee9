#pragma once
// Following a deploy that runs on a beaver server, from the command line: its record is read
// until it ends, and what the foreground run would have told its observer is told, in the same
// order, so that both print the same progress.

#include <atomic>
#include <chrono>

#include "deploy/deploy.hpp"
#include "ops/operations.hpp"

namespace beaver {

// Follows the deploy `started` (what Operations::deploy answered: {deploy_id, release_id, plan,
// recovered}) through `ops`, telling `observer`, until it ends: then how it ended, as
// deploy_result_json says it. When `stop` is set or `wait` has passed, gives up following with
// a refusal saying the deploy goes on on the server.
Result<JsonObject> follow_deploy(Operations& ops, const JsonObject& started,
                                 DeployObserver& observer, std::chrono::seconds wait,
                                 const std::atomic<bool>& stop);

}  // namespace beaver
