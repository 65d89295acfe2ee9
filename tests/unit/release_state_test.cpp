#include <doctest/doctest.h>

#include <set>
#include <utility>

#include "model/release.hpp"

using namespace beaver;
using S = ReleaseState;

namespace {

const std::set<std::pair<S, S>> kLegal = {
    {S::submitted, S::approved},    {S::submitted, S::rejected},   {S::submitted, S::cancelled},
    {S::approved, S::deploying},    {S::approved, S::cancelled},   {S::approved, S::submitted},
    {S::deploying, S::deployed},    {S::deploying, S::failed},     {S::deploying, S::rolled_back},
    {S::deploying, S::interrupted}, {S::deployed, S::rolled_back}, {S::failed, S::deploying},
    {S::interrupted, S::deploying}, {S::deployed, S::replaced},    {S::submitted, S::deploying},
};

const S kAll[] = {S::submitted, S::approved, S::rejected,    S::cancelled,   S::deploying,
                  S::deployed,  S::failed,   S::rolled_back, S::interrupted, S::replaced};

}  // namespace

TEST_CASE("the lifecycle allows exactly the documented transitions and refuses every other") {
  for (S from : kAll)
    for (S to : kAll) {
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      bool legal = kLegal.count({from, to}) == 1;
      CHECK(can_transition(from, to) == legal);
      S state = from;
      auto r = transition(7, state, to);
      CHECK(r.has_value() == legal);
      if (legal) {
        CHECK(state == to);
      } else {
        CHECK(state == from);
        CHECK(r.error().kind == ErrorKind::conflict);
        CHECK(r.error().message.find("release 7 is " + std::string(to_string(from))) == 0);
      }
    }
}

TEST_CASE("rejected, cancelled and rolled back releases are final") {
  for (S end : {S::rejected, S::cancelled, S::rolled_back})
    for (S to : kAll) CHECK_FALSE(can_transition(end, to));
}

TEST_CASE("states and types read back from their names, and unknown names are refused") {
  for (S s : kAll) CHECK(release_state_from_string(to_string(s)) == s);
  CHECK_FALSE(release_state_from_string("done").has_value());
  CHECK(release_type_from_string("emergency") == ReleaseType::emergency);
  CHECK_FALSE(release_type_from_string("Emergency").has_value());
}

TEST_CASE("an approval binding changes when what was approved changes") {
  Release r;
  r.service = "hello";
  r.env = "prod";
  r.version = "1.0";
  auto before = approval_binding(r);
  CHECK(before.size() == 64);
  CHECK(approval_binding(r) == before);
  r.package_sha256 = std::string(64, 'a');
  CHECK(approval_binding(r) != before);
  // Long optional fields (a full commit id, a checksum) bind as reliably as short ones.
  r.commit = std::string(40, 'c');
  auto with_commit = approval_binding(r);
  CHECK(approval_binding(r) == with_commit);
  CHECK(with_commit != before);
  Release shifted = r;
  shifted.service = "hellop";
  shifted.env = "rod";
  CHECK(approval_binding(shifted) != approval_binding(r));
}
