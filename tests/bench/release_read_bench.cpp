// The core's side of a release read, for tests/bench/server.sh: what `GET /api/v1/releases/{id}`
// asks of the ledger (one read transaction: the release, its approvals, deploy runs and steps,
// and its view under the policy), then the answer's JSON text, on one thread with no HTTP. It
// tells how much of a read's time is the ledger's and how much the server's.
// usage: beaver_bench_release_read <database> <policy.yaml> <data_dir> <actor> <releases> [reads]
// Prints "core-read US_READ US_JSON", microseconds a read on average: without and with the text.

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>

#include "ops/json_text.hpp"
#include "ops/operations.hpp"
#include "policy/policy.hpp"
#include "store/open_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

int usage() {
  fmt::print(stderr,
             "usage: beaver_bench_release_read <database> <policy.yaml> <data_dir> <actor> "
             "<releases> [reads]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) return usage();
  const std::filesystem::path data_dir = argv[3];
  int64_t releases = std::strtoll(argv[5], nullptr, 10);
  int64_t reads = argc == 7 ? std::strtoll(argv[6], nullptr, 10) : 100000;
  if (releases <= 0 || reads <= 0) return usage();
  auto url = beaver::parse_database_url(argv[1]);
  if (!url) {
    fmt::print(stderr, "beaver_bench_release_read: {}\n", url.error().message);
    return 1;
  }
  auto store = beaver::open_store(*url, data_dir / "schemas/migrations");
  auto policy = beaver::load_policy(argv[2], data_dir);
  auto clock = beaver::clock_from_environment();
  if (!store || !policy || !clock) {
    fmt::print(stderr, "beaver_bench_release_read: {}\n",
               !store ? store.error().message
                      : (!policy ? policy.error().message : clock.error().message));
    return 1;
  }
  auto ops = beaver::local_operations(**store, **clock, &*policy, argv[4]);

  // The same ids in both passes, in an order the page cache cannot foresee.
  std::mt19937_64 random(1);
  std::uniform_int_distribution<int64_t> pick(1, releases);
  std::vector<int64_t> ids(static_cast<size_t>(reads));
  for (auto& id : ids) id = pick(random);

  auto pass = [&](bool text) -> double {
    size_t bytes = 0;
    auto start = Clock::now();
    for (int64_t id : ids) {
      auto shown = ops->show(id);
      if (!shown) {
        fmt::print(stderr, "beaver_bench_release_read: release {}: {}\n", id,
                   shown.error().message);
        std::exit(1);
      }
      if (text) bytes += beaver::json_text(*shown).size();
    }
    std::chrono::duration<double, std::micro> took = Clock::now() - start;
    if (text && bytes == 0) std::exit(1);
    return took.count() / static_cast<double>(reads);
  };
  pass(true);  // warms the page cache, as a server that has run a while
  double read = pass(false);
  double with_text = pass(true);
  fmt::print("core-read {:.2f} {:.2f}\n", read, with_text);
  return 0;
}
