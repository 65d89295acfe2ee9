#include "server/worker_pool.hpp"

#include <pthread.h>

namespace beaver {

WorkerPool::WorkerPool(int threads) {
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { work(); });
    pthread_setname_np(threads_.back().native_handle(), "beaver-http");
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard hold(lock_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::post_all(std::vector<std::move_only_function<void()>>& jobs) {
  if (jobs.empty()) return;
  {
    std::lock_guard hold(lock_);
    for (auto& job : jobs) jobs_.push_back(std::move(job));
  }
  for (size_t i = 0; i < jobs.size(); ++i) wake_.notify_one();
  jobs.clear();
}

size_t WorkerPool::queued() const {
  std::lock_guard hold(lock_);
  return jobs_.size();
}

void WorkerPool::work() {
  for (;;) {
    std::move_only_function<void()> job;
    {
      std::unique_lock hold(lock_);
      wake_.wait(hold, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_.fetch_add(1, std::memory_order_relaxed);
    }
    job();
    busy_.fetch_sub(1, std::memory_order_relaxed);
  }
}

}  // namespace beaver
