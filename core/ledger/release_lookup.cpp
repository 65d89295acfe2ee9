#include "ledger/release_lookup.hpp"

#include <algorithm>

#include "text/nearest.hpp"

namespace beaver {
namespace {

// The ids one edit away from `id` as typed (a digit dropped, doubled, changed, or two swapped),
// which is how ids are mistyped.
std::vector<int64_t> ids_one_edit_away(int64_t id) {
  std::string digits = std::to_string(id);
  std::vector<std::string> variants;
  for (size_t i = 0; i < digits.size(); ++i) {
    variants.push_back(digits.substr(0, i) + digits.substr(i + 1));
    if (i + 1 < digits.size()) {
      std::string swapped = digits;
      std::swap(swapped[i], swapped[i + 1]);
      variants.push_back(swapped);
    }
    for (char d = '0'; d <= '9'; ++d) {
      std::string changed = digits;
      changed[i] = d;
      variants.push_back(changed);
    }
  }
  std::vector<int64_t> ids;
  for (const auto& v : variants) {
    if (v.empty() || v.front() == '0' || v.size() > 18) continue;
    int64_t n = std::stoll(v);
    if (n != id) ids.push_back(n);
  }
  std::sort(ids.begin(), ids.end(), std::greater<>());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

std::string release_subject(int64_t id) { return fmt::format("release/{}", id); }

Result<Release> find_release(StoreTransaction& tx, int64_t id) {
  if (auto r = tx.find_release(id)) return *r;
  ReleaseFilter newest;
  newest.limit = 1;
  auto last = tx.list_releases(newest);
  if (last.empty()) return fail(ErrorKind::not_found, "no release {}: the ledger has none yet", id);
  // The newest first: a release being worked on is more likely meant than an old one.
  std::vector<std::string> near;
  for (int64_t other : ids_one_edit_away(id)) {
    if (near.size() == 3) break;
    if (other <= last.front().id && tx.find_release(other)) near.push_back(std::to_string(other));
  }
  return fail(ErrorKind::not_found, "no release {} (the newest is {}{}{})", id, last.front().id,
              near.empty() ? "" : "; ", did_you_mean(near));
}

std::unexpected<Error> unknown_service(StoreTransaction& tx, std::string_view name) {
  std::vector<std::string> known;
  for (const auto& s : tx.list_services()) known.push_back(s.name);
  auto near = nearest_names(name, known);
  if (!near.empty())
    return fail(ErrorKind::not_found, "unknown service '{}' ({})", name, did_you_mean(near));
  return fail(ErrorKind::not_found,
              "unknown service '{}': register it with 'beaver service add {} --team TEAM'", name,
              name);
}

std::unexpected<Error> unknown_user(StoreTransaction& tx, std::string_view name, ErrorKind kind,
                                    std::string_view hint) {
  std::vector<std::string> known;
  for (const auto& u : tx.list_users()) known.push_back(u.name);
  auto near = nearest_names(name, known);
  if (!near.empty()) return fail(kind, "unknown user '{}' ({})", name, did_you_mean(near));
  if (hint.empty()) return fail(kind, "unknown user '{}'", name);
  return fail(kind, "unknown user '{}': {}", name, hint);
}

}  // namespace beaver
