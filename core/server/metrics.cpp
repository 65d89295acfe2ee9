#include "server/metrics.hpp"

#include <fmt/format.h>

#include <iterator>

namespace beaver {
namespace {

template <class... Args>
void line(std::string& out, fmt::format_string<Args...> f, Args&&... args) {
  fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
  out += '\n';
}

}  // namespace

void Metrics::observe(const std::string& route, int status, std::chrono::microseconds elapsed) {
  double seconds = static_cast<double>(elapsed.count()) / 1e6;
  std::lock_guard hold(lock_);
  ++requests_[{route, status}];
  auto& l = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++l.buckets[i];
  ++l.count;
  l.sum += seconds;
}

std::string Metrics::render(const LedgerGauges& ledger, const ServerGauges& server) const {
  std::string out;
  line(out, "# HELP beaver_releases Releases in the ledger by type and status.");
  line(out, "# TYPE beaver_releases gauge");
  for (const auto& [key, n] : ledger.releases)
    line(out, "beaver_releases{{type=\"{}\",status=\"{}\"}} {}", key.first, key.second, n);
  line(out, "# HELP beaver_approvals_pending Releases waiting for an approval.");
  line(out, "# TYPE beaver_approvals_pending gauge");
  line(out, "beaver_approvals_pending {}", ledger.approvals_pending);
  line(out,
       "# HELP beaver_connections_refused_total Connections closed on arrival: over the cap of "
       "their address or of the server.");
  line(out, "# TYPE beaver_connections_refused_total counter");
  line(out, "beaver_connections_refused_total {}", server.refused_connections);
  line(out, "# HELP beaver_connections_open Connections open.");
  line(out, "# TYPE beaver_connections_open gauge");
  line(out, "beaver_connections_open {}", server.open_connections);
  line(out, "# HELP beaver_requests_queued Requests read whole and waiting for a worker.");
  line(out, "# TYPE beaver_requests_queued gauge");
  line(out, "beaver_requests_queued {}", server.queued_requests);
  line(out, "# HELP beaver_http_threads Worker threads running a request.");
  line(out, "# TYPE beaver_http_threads gauge");
  line(out, "beaver_http_threads {}", server.busy_workers);

  std::lock_guard hold(lock_);
  line(out, "# HELP beaver_http_requests_total Requests answered, by route and status.");
  line(out, "# TYPE beaver_http_requests_total counter");
  for (const auto& [key, n] : requests_)
    line(out, "beaver_http_requests_total{{route=\"{}\",status=\"{}\"}} {}", key.first, key.second,
         n);
  line(out, "# HELP beaver_http_request_seconds Time to answer a request, by route.");
  line(out, "# TYPE beaver_http_request_seconds histogram");
  for (const auto& [route, l] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i)
      line(out, "beaver_http_request_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}", route,
           kBuckets[i], l.buckets[i]);
    line(out, "beaver_http_request_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}", route, l.count);
    line(out, "beaver_http_request_seconds_sum{{route=\"{}\"}} {:.6f}", route, l.sum);
    line(out, "beaver_http_request_seconds_count{{route=\"{}\"}} {}", route, l.count);
  }
  return out;
}

}  // namespace beaver
