#pragma once
// The health check a deploy waits for: HTTP GET on the service's port and path until it answers
// 2xx, within a deadline.

#include <chrono>
#include <functional>
#include <string>

namespace beaver {

struct HealthResult {
  bool healthy = false;
  int attempts = 0;
  std::string last;  // the last answer or error, for the record
  std::chrono::milliseconds elapsed{0};
};

// Asks http://address:port/path every 50 ms until a 2xx answer or `deadline` has passed.
// `alive`, asked about once a second, may end the wait early by returning false (the process is
// gone: no answer will come).
HealthResult check_health(const std::string& address, int port, const std::string& path,
                          std::chrono::milliseconds deadline,
                          const std::function<bool()>& alive = {});

}  // namespace beaver
