#include "deploy_progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

namespace beaver::cli {
namespace {

std::string seconds(int64_t ms) { return fmt::format("{:.2f}s", static_cast<double>(ms) / 1000.0); }

}  // namespace

// Draws on stderr under one lock, as steps end on several threads at once; on a terminal a
// ticker thread redraws the elapsed times four times a second.
class DeployProgress::Drawing {
 public:
  explicit Drawing(bool live) : live_(live) {}

  void started(const DeployPlan& plan, int64_t deploy_id) {
    std::lock_guard lock(m_);
    for (const auto& b : plan.batches)
      for (const auto& h : b) {
        order_.push_back(h.host.url);
        hosts_[h.host.url] = {h.batch, "waiting", {}, {}, false};
      }
    plain(fmt::format("deploy {}: release {} ({} {}) to {} host{} of {}, batches {}", deploy_id,
                      plan.release.id, plan.release.service, plan.release.version, order_.size(),
                      order_.size() == 1 ? "" : "s", plan.release.env, plan.batches_text));
    if (live_) ticker_ = std::thread([this] { tick(); });
  }
  void step_started(const std::string& host, const std::string& step) {
    std::lock_guard lock(m_);
    auto& h = hosts_[host];
    h.step = step;
    h.since = std::chrono::steady_clock::now();
    if (h.first == std::chrono::steady_clock::time_point{}) h.first = h.since;
    redraw();
  }
  void step_finished(const DeployStep& s) {
    std::lock_guard lock(m_);
    if (!live_ || s.status != "ok") {
      std::string last = s.output;
      if (auto nl = last.rfind('\n'); nl != std::string::npos) last = last.substr(nl + 1);
      plain(fmt::format("{} {} {} {} {}{}",
                        format_utc(std::chrono::time_point_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now())),
                        s.host, s.step, s.status, seconds(s.elapsed_ms),
                        s.status == "ok" || last.empty() ? "" : ": " + last));
    }
    redraw();
  }
  void host_finished(const std::string& host, const std::string& outcome) {
    std::lock_guard lock(m_);
    auto& h = hosts_[host];
    h.step = outcome;
    h.done = true;
    if (!live_) plain(fmt::format("{} {}", host, outcome));
    redraw();
  }
  void note(const std::string& line) {
    std::lock_guard lock(m_);
    plain(line);
  }

  void finish() {
    {
      std::lock_guard lock(m_);
      if (finished_) return;
      finished_ = true;
      redraw();
    }
    if (ticker_.joinable()) ticker_.join();
  }

 private:
  struct Host {
    int batch = 0;
    std::string step;
    std::chrono::steady_clock::time_point since, first;
    bool done = false;
  };

  // A line above the live block (which is redrawn under it).
  void plain(const std::string& line) {
    clear_block();
    std::cerr << line << "\n";
    drawn_ = 0;
    redraw();
  }
  void clear_block() {
    if (!live_ || drawn_ == 0) return;
    std::cerr << fmt::format("\x1b[{}A\x1b[J", drawn_);
    drawn_ = 0;
  }
  void redraw() {
    if (!live_ || order_.empty()) return;
    clear_block();
    auto now = std::chrono::steady_clock::now();
    size_t done = 0;
    for (const auto& url : order_) {
      const Host& h = hosts_[url];
      done += h.done ? 1 : 0;
      auto ms = h.first == std::chrono::steady_clock::time_point{}
                    ? 0
                    : std::chrono::duration_cast<std::chrono::milliseconds>(now - h.first).count();
      std::cerr << fmt::format("  [{}] {:<40.40} {:<12} {}\n", h.batch + 1, url, h.step,
                               h.done || ms == 0 ? "" : seconds(ms));
    }
    const size_t width = 30, filled = width * done / order_.size();
    std::cerr << fmt::format("  [{}{}] {}/{} hosts\n", std::string(filled, '#'),
                             std::string(width - filled, '-'), done, order_.size());
    std::cerr << std::flush;
    drawn_ = order_.size() + 1;
  }
  void tick() {
    std::unique_lock lock(m_);
    while (!finished_) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      lock.lock();
      if (!finished_) redraw();
    }
  }

  bool live_;
  std::mutex m_;
  std::vector<std::string> order_;
  std::map<std::string, Host> hosts_;
  size_t drawn_ = 0;
  bool finished_ = false;
  std::thread ticker_;
};

DeployProgress::DeployProgress(bool live) : drawing_(std::make_unique<Drawing>(live)) {}
DeployProgress::~DeployProgress() { finish(); }

void DeployProgress::started(const DeployPlan& plan, int64_t deploy_id) {
  drawing_->started(plan, deploy_id);
}
void DeployProgress::step_started(const std::string& host, const std::string& step) {
  drawing_->step_started(host, step);
}
void DeployProgress::step_finished(const DeployStep& step) { drawing_->step_finished(step); }
void DeployProgress::host_finished(const std::string& host, const std::string& outcome) {
  drawing_->host_finished(host, outcome);
}
void DeployProgress::note(const std::string& line) { drawing_->note(line); }
void DeployProgress::finish() { drawing_->finish(); }

bool DeployProgress::live_terminal() {
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) != 0 && term != nullptr && std::string_view(term) != "dumb";
}

}  // namespace beaver::cli
