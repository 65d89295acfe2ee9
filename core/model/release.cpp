#include "model/release.hpp"

#include <Poco/SHA2Engine.h>
#include <fmt/format.h>

#include <array>

namespace beaver {

std::string Approval::approver_text() const {
  return for_user ? fmt::format("{} for {}", approver, *for_user) : approver;
}

namespace {

constexpr std::array kTypeNames{"normal", "emergency", "rollback"};
constexpr std::array kStateNames{"submitted", "approved", "rejected",    "cancelled",   "deploying",
                                 "deployed",  "failed",   "rolled_back", "interrupted", "replaced"};

template <class Enum, size_t N>
std::optional<Enum> from_names(const std::array<const char*, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<Enum>(i);
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ReleaseType t) { return kTypeNames[static_cast<size_t>(t)]; }
std::string_view to_string(ReleaseState s) { return kStateNames[static_cast<size_t>(s)]; }

std::optional<ReleaseType> release_type_from_string(std::string_view s) {
  return from_names<ReleaseType>(kTypeNames, s);
}
std::optional<ReleaseState> release_state_from_string(std::string_view s) {
  return from_names<ReleaseState>(kStateNames, s);
}
std::string all_states_text() { return fmt::format("{}", fmt::join(kStateNames, ", ")); }

bool can_transition(ReleaseState from, ReleaseState to) {
  using S = ReleaseState;
  switch (from) {
    case S::submitted:
      return to == S::approved || to == S::rejected || to == S::cancelled || to == S::deploying;
    case S::approved:
      return to == S::deploying || to == S::cancelled || to == S::submitted;
    case S::deploying:
      return to == S::deployed || to == S::failed || to == S::rolled_back || to == S::interrupted;
    case S::deployed:
      return to == S::rolled_back || to == S::replaced;
    case S::failed:
    case S::interrupted:
      return to == S::deploying;
    case S::rejected:
    case S::cancelled:
    case S::rolled_back:
    case S::replaced:
      return false;
  }
  return false;
}

Result<void> transition(int64_t release_id, ReleaseState& state, ReleaseState to) {
  if (!can_transition(state, to))
    return fail(ErrorKind::conflict, "release {} is {}; it cannot become {}", release_id,
                to_string(state), to_string(to));
  state = to;
  return {};
}

int compare_versions(std::string_view a, std::string_view b) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t i0 = i, j0 = j;
      while (i0 < a.size() && a[i0] == '0') ++i0;
      while (j0 < b.size() && b[j0] == '0') ++j0;
      i = i0;
      j = j0;
      while (i < a.size() && digit(a[i])) ++i;
      while (j < b.size() && digit(b[j])) ++j;
      if (i - i0 != j - j0) return i - i0 < j - j0 ? -1 : 1;
      if (int c = a.substr(i0, i - i0).compare(b.substr(j0, j - j0)); c != 0) return c;
    } else {
      if (a[i] != b[j])
        return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
      ++i;
      ++j;
    }
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

std::string approval_binding(const Release& r) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  // Named copies: views into value_or()'s temporaries would dangle inside the loop.
  const std::string commit = r.commit.value_or(""), package = r.package_sha256.value_or("");
  // Length-prefixed fields: no two different releases share a binding text.
  for (std::string_view f :
       {std::string_view{r.service}, std::string_view{r.env}, std::string_view{r.version},
        std::string_view{commit}, std::string_view{package}, to_string(r.type)}) {
    sha.update(fmt::format("{}:", f.size()));
    sha.update(f.data(), f.size());
  }
  return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace beaver
