#pragma once
// The threads that run requests: a fixed number, taking jobs first come first served. A job is a
// whole request already read, so a worker is never held by a slow client.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace beaver {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  // Runs the jobs still queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `jobs` in their order (and empties it), then wakes as many workers.
  void post_all(std::vector<std::move_only_function<void()>>& jobs);
  // Jobs waiting for a worker, and workers running one, now.
  size_t queued() const;
  int busy() const { return busy_.load(std::memory_order_relaxed); }

 private:
  void work();

  mutable std::mutex lock_;
  std::condition_variable wake_;
  std::deque<std::move_only_function<void()>> jobs_;
  bool stopping_ = false;
  std::atomic<int> busy_{0};
  std::vector<std::thread> threads_;
};

}  // namespace beaver
