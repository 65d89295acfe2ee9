#include "ops/follow_deploy.hpp"

#include <algorithm>
#include <thread>

#include "ops/ops_json.hpp"

namespace beaver {
namespace {

// A field as text: "" when absent or null.
std::string text_of(const JsonObject& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return "";
  return o->get(key).convert<std::string>();
}

}  // namespace

Result<JsonObject> follow_deploy(Operations& ops, const JsonObject& started,
                                 DeployObserver& observer, std::chrono::seconds wait,
                                 const std::atomic<bool>& stop) {
  int64_t deploy_id = started->getValue<int64_t>("deploy_id");
  int64_t release_id = started->getValue<int64_t>("release_id");
  if (auto recovered = started->getArray("recovered"))
    for (size_t i = 0; i < recovered->size(); ++i)
      observer.note(recovered->getElement<std::string>(static_cast<unsigned>(i)));
  observer.started(deploy_plan_from_json(started->getObject("plan")), deploy_id);
  auto deadline = std::chrono::steady_clock::now() + wait;
  // Polled quickly at first, as short deploys end within a second, then every half second.
  auto pause = std::chrono::milliseconds(50);
  size_t steps_told = 0, events_told = 0;
  for (;;) {
    auto d = ops.show_deploy(deploy_id);
    if (!d) return std::unexpected(d.error());
    auto steps = (*d)->getArray("steps");
    auto events = (*d)->getArray("events");
    size_t step_count = steps ? steps->size() : 0, event_count = events ? events->size() : 0;
    // The events recorded after `after` steps, in order.
    auto tell_events = [&](size_t after) {
      for (; events_told < event_count; ++events_told) {
        auto e = events->getObject(static_cast<unsigned>(events_told));
        if (e->getValue<size_t>("after_steps") > after) return;
        if (text_of(e, "kind") == "note")
          observer.note(text_of(e, "note"));
        else
          observer.host_finished(text_of(e, "host"), text_of(e, "outcome"));
      }
    };
    for (; steps_told < step_count; ++steps_told) {
      tell_events(steps_told);
      observer.step_finished(
          deploy_step_from_json(steps->getObject(static_cast<unsigned>(steps_told))));
    }
    tell_events(steps_told);
    if (text_of(*d, "status") != "running") {
      JsonObject result = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      result->set("deploy_id", deploy_id);
      result->set("release_id", release_id);
      result->set("status", (*d)->get("status"));
      result->set("message", (*d)->get("message"));
      result->set("hosts", (*d)->get("hosts"));
      return result;
    }
    if (stop || std::chrono::steady_clock::now() >= deadline)
      return fail(ErrorKind::refused,
                  "deploy {} goes on on the server{}; follow it with 'beaver "
                  "release show {}'",
                  deploy_id,
                  stop ? "" : fmt::format(" after {} (BEAVER_DEPLOY_WAIT)", format_duration(wait)),
                  release_id);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
}

}  // namespace beaver
