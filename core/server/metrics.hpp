#pragma once
// What /metrics reports about the server itself, in Prometheus' text format: requests by route
// and status, their latencies as a histogram, connections open and refused, requests waiting
// for a worker. Figures
// about the ledger are read from the database at scrape time and passed in.

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace beaver {

struct LedgerGauges {
  std::map<std::pair<std::string, std::string>, int64_t> releases;  // (type, status) -> count
  int64_t approvals_pending = 0;
};

struct ServerGauges {
  int64_t refused_connections = 0;  // closed on arrival: over a cap, or out of descriptors
  int64_t open_connections = 0;
  int64_t queued_requests = 0;  // read whole and waiting for a worker
  int64_t busy_workers = 0;
};

class Metrics {
 public:
  // `route` is the route's pattern ("POST /api/v1/releases/{id}/approve"), never the raw path, so
  // the number of series stays bounded whatever clients send.
  void observe(const std::string& route, int status, std::chrono::microseconds elapsed);
  std::string render(const LedgerGauges& ledger, const ServerGauges& server) const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   2.5};
  struct Latency {
    std::array<int64_t, kBuckets.size()> buckets{};
    int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex lock_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::string, Latency> latency_;
};

}  // namespace beaver
