#include "server/token_cache.hpp"

#include <doctest/doctest.h>

using namespace beaver;
using namespace std::chrono_literals;

TEST_CASE("a remembered token signs in as its user until the time to live has passed") {
  TokenCache cache;
  auto t0 = TokenCache::Clock::time_point{} + 1000s;
  CHECK_FALSE(cache.user_of("bvr_1_aa", t0));
  cache.remember("bvr_1_aa", "ann", t0, cache.generation());
  CHECK(cache.user_of("bvr_1_aa", t0 + 1s) == "ann");
  CHECK_FALSE(cache.user_of("bvr_1_ab", t0 + 1s));
  CHECK_FALSE(cache.user_of("bvr_1_aa", t0 + TokenCache::kTimeToLive));
}

TEST_CASE("forgetting all tokens drops them, and a check made before is not remembered") {
  TokenCache cache;
  auto now = TokenCache::Clock::time_point{} + 1000s;
  cache.remember("bvr_1_aa", "ann", now, cache.generation());
  auto checked = cache.generation();  // a request checks bvr_2_bb in the ledger...
  cache.forget_all();                 // ...while another revokes a token
  CHECK_FALSE(cache.user_of("bvr_1_aa", now));
  cache.remember("bvr_2_bb", "bob", now, checked);
  CHECK_FALSE(cache.user_of("bvr_2_bb", now));
  cache.remember("bvr_2_bb", "bob", now, cache.generation());
  CHECK(cache.user_of("bvr_2_bb", now) == "bob");
}
