#include "server/token_cache.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace beaver;
using namespace std::chrono_literals;

namespace {
std::string token(int id, char fill) {
  return "bvr_" + std::to_string(id) + "_" + std::string(64, fill);
}
}  // namespace

TEST_CASE("a remembered token signs in as its user until the time to live has passed") {
  TokenCache cache;
  auto t0 = TokenCache::Clock::time_point{} + 1000s;
  CHECK_FALSE(cache.user_of(token(1, 'a'), t0));
  cache.remember(token(1, 'a'), "ann", t0, cache.generation());
  CHECK(cache.user_of(token(1, 'a'), t0 + 1s) == "ann");
  CHECK_FALSE(cache.user_of(token(2, 'a'), t0 + 1s));
  CHECK_FALSE(cache.user_of(token(1, 'a'), t0 + TokenCache::kTimeToLive));
}

TEST_CASE("a remembered id with another secret, or no token at all, is left to the ledger") {
  TokenCache cache;
  auto now = TokenCache::Clock::time_point{} + 1000s;
  cache.remember(token(1, 'a'), "ann", now, cache.generation());
  CHECK_FALSE(cache.user_of(token(1, 'b'), now));
  CHECK_FALSE(cache.user_of("bvr_1_", now));
  CHECK_FALSE(cache.user_of("", now));
  CHECK(cache.user_of(token(1, 'a'), now) == "ann");
}

TEST_CASE("forgetting all tokens drops them, and a check made before is not remembered") {
  TokenCache cache;
  auto now = TokenCache::Clock::time_point{} + 1000s;
  cache.remember(token(1, 'a'), "ann", now, cache.generation());
  auto checked = cache.generation();  // a request checks token 2 in the ledger...
  cache.forget_all();                 // ...while another revokes a token
  CHECK_FALSE(cache.user_of(token(1, 'a'), now));
  cache.remember(token(2, 'b'), "bob", now, checked);
  CHECK_FALSE(cache.user_of(token(2, 'b'), now));
  cache.remember(token(2, 'b'), "bob", now, cache.generation());
  CHECK(cache.user_of(token(2, 'b'), now) == "bob");
}
