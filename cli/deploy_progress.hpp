#pragma once
// A deploy's progress on the terminal: the one place that draws it, for a deploy run here and for
// one followed on a server alike. On a terminal, a line per host with its step and elapsed time
// and an overall bar, redrawn in place; otherwise one timestamped line per step.

#include <memory>

#include "deploy/deploy.hpp"

namespace beaver::cli {

class DeployProgress final : public DeployObserver {
 public:
  // `live`: redraw in place (stderr is a terminal that is not "dumb").
  explicit DeployProgress(bool live);
  ~DeployProgress() override;

  void started(const DeployPlan& plan, int64_t deploy_id) override;
  void step_started(const std::string& host, const std::string& step) override;
  void step_finished(const DeployStep& step) override;
  void host_finished(const std::string& host, const std::string& outcome) override;
  void note(const std::string& line) override;
  // Draws the last state and stops redrawing; called again, does nothing.
  void finish();

  // Whether stderr is a terminal to redraw in place.
  static bool live_terminal();

 private:
  class Drawing;
  std::unique_ptr<Drawing> drawing_;
};

}  // namespace beaver::cli
