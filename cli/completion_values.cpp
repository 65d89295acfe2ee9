// The values in use that completion offers: from the policy and the ledger here, or from the
// server in remote mode, through the same operations the commands use.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <set>

#include "completion.hpp"
#include "release_text.hpp"

namespace beaver::cli {
namespace {

// Enough open releases to pick from; a ledger with more in flight completes the newest.
constexpr int64_t kMostReleases = 1000;

std::vector<Candidate> plain(const std::vector<std::string>& names) {
  std::vector<Candidate> out;
  for (const auto& n : names) out.push_back({n, ""});
  return out;
}

std::vector<std::string> texts(const JsonArray& array) {
  std::vector<std::string> out;
  if (array.isNull()) return out;
  for (const auto& v : *array) out.push_back(v.convert<std::string>());
  return out;
}

// The policy's environments or emergency categories: the server's policy through a server.
Result<std::vector<Candidate>> from_policy(ValueKind kind, Context& ctx) {
  bool environments = kind == ValueKind::environment;
  if (ctx.remote()) {
    auto ops = ctx.ops(Access::read);
    if (!ops) return std::unexpected(ops.error());
    auto policy = (*ops)->policy();
    if (!policy) return std::unexpected(policy.error());
    return plain(
        texts((*policy)->getArray(environments ? "environments" : "emergency_categories")));
  }
  auto policy = ctx.policy();
  if (!policy) return std::unexpected(policy.error());
  if (!environments) return plain((*policy)->emergency_categories);
  std::vector<std::string> names;
  for (const auto& [name, env] : (*policy)->environments) names.push_back(name);
  return plain(names);
}

Result<JsonArray> listed(ValueKind kind, Operations& ops) {
  switch (kind) {
    case ValueKind::service:
      return ops.list_services();
    case ValueKind::user:
      return ops.list_users();
    case ValueKind::release:
      return ops.open_releases(kMostReleases);
    default:
      return fail(ErrorKind::internal, "no listing for this kind of value");
  }
}

std::string roles_text(const JsonObject& user) {
  std::string out;
  for (const auto& r : texts(user->getArray("roles"))) out += (out.empty() ? "" : "+") + r;
  return out;
}

Candidate candidate(ValueKind kind, const JsonObject& o) {
  auto f = [&o](const char* key) { return text_of(o, key); };
  switch (kind) {
    case ValueKind::service:
      return {f("name"), "team " + f("team")};
    case ValueKind::user:
      return {f("name"), f("team") + ", " + roles_text(o)};
    default: {
      std::string type = f("type") == "normal" ? "" : f("type") + ", ";
      return {f("id"), fmt::format("{} {} on {}, {}{}", f("service"), f("version"), f("env"), type,
                                   f("status"))};
    }
  }
}

Result<std::vector<Candidate>> teams(Operations& ops) {
  std::set<std::string> names;
  for (auto listing : {ops.list_services(), ops.list_users()}) {
    if (!listing) return std::unexpected(listing.error());
    for (size_t i = 0; i < (*listing)->size(); ++i)
      names.insert(text_of((*listing)->getObject(static_cast<unsigned>(i)), "team"));
  }
  return plain({names.begin(), names.end()});
}

}  // namespace

Result<std::vector<Candidate>> values_in_use(ValueKind kind, Context& ctx) {
  if (kind == ValueKind::environment || kind == ValueKind::category) return from_policy(kind, ctx);
  if (kind == ValueKind::file || kind == ValueKind::choice)
    return fail(ErrorKind::internal, "files and choices are not looked up");
  auto ops = ctx.ops(Access::read);
  if (!ops) return std::unexpected(ops.error());
  if (kind == ValueKind::team) return teams(**ops);
  auto listing = listed(kind, **ops);
  if (!listing) return std::unexpected(listing.error());
  std::vector<Candidate> out;
  for (size_t i = 0; i < (*listing)->size(); ++i)
    out.push_back(candidate(kind, (*listing)->getObject(static_cast<unsigned>(i))));
  return out;
}

}  // namespace beaver::cli
