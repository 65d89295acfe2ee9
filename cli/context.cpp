#include "context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

#include "model/names.hpp"
#include "notify/notify_queue.hpp"
#include "paths/paths.hpp"
#include "store/open_store.hpp"

namespace beaver::cli {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string login_name() {
  const passwd* pw = getpwuid(geteuid());
  return pw != nullptr ? pw->pw_name : "";
}

}  // namespace

Result<std::string> Context::actor() const {
  std::string name = !options.as.empty() ? options.as : env_or("BEAVER_USER", login_name());
  if (name.empty())
    return fail(ErrorKind::bad_input, "cannot tell who is acting: use --as NAME or BEAVER_USER");
  BEAVER_TRY(check_name("user", name));
  return name;
}

Result<const Clock*> Context::clock() {
  if (!clock_) {
    auto c = clock_from_environment();
    if (!c) return std::unexpected(c.error());
    clock_ = std::move(*c);
  }
  return clock_.get();
}

Result<void> Context::local_only() const {
  if (!remote()) return {};
  return fail(ErrorKind::bad_input,
              "'{}' works on the ledger of this machine only, not through a server: run it "
              "where the ledger is, without --server or BEAVER_SERVER",
              command);
}

Result<DatabaseUrl> ledger_database(const std::string& option) {
  if (!option.empty()) return parse_database_url(option);
  if (const char* env = std::getenv("BEAVER_DATABASE"); env != nullptr && *env != '\0') {
    auto url = parse_database_url(env);
    if (!url) return fail(url.error().kind, "BEAVER_DATABASE: {}", url.error().message);
    return url;
  }
  auto home = beaver_home();
  if (!home) return std::unexpected(home.error());
  return parse_database_url((*home / "beaver.db").string());
}

Result<Store*> Context::store(Access access) {
  BEAVER_TRY(local_only());
  if (!store_) {
    auto database = ledger_database("");
    if (!database) return std::unexpected(database.error());
    std::error_code no_file;
    if (database->kind == DatabaseUrl::Kind::sqlite && access != Access::create &&
        !std::filesystem::exists(database->file, no_file))
      return fail(ErrorKind::not_found,
                  "no ledger at {}: nothing is recorded there yet (is BEAVER_HOME right? a new "
                  "ledger starts with 'beaver user add NAME --team TEAM --role admin')",
                  database->file.string());
    SqliteOptions opts;
    std::string timeout = env_or("BEAVER_BUSY_TIMEOUT_MS", "");
    if (!timeout.empty()) {
      int ms = 0;
      auto [end, ec] = std::from_chars(timeout.data(), timeout.data() + timeout.size(), ms);
      if (ec != std::errc{} || end != timeout.data() + timeout.size() || ms < 0)
        return fail(ErrorKind::bad_input,
                    "BEAVER_BUSY_TIMEOUT_MS: '{}' is not a number of "
                    "milliseconds",
                    timeout);
      opts.busy_timeout = std::chrono::milliseconds(ms);
    }
    auto s = open_store(*database, data_dir() / "schemas/migrations", opts);
    if (!s) return std::unexpected(s.error());
    store_ = std::move(*s);
  }
  return store_.get();
}

Result<std::string> Context::policy_path() const {
  if (!options.policy.empty()) return options.policy;
  if (const char* env = std::getenv("BEAVER_POLICY"); env != nullptr && *env != '\0') return env;
  auto home = beaver_home();
  if (!home) return std::unexpected(home.error());
  return (*home / "policy.yaml").string();
}

bool Context::has_policy() const {
  auto path = policy_path();
  std::error_code ec;
  return path && std::filesystem::exists(*path, ec);
}

Result<const Policy*> Context::policy() {
  if (!policy_) {
    auto path = policy_path();
    if (!path) return std::unexpected(path.error());
    std::error_code ec;
    if (!std::filesystem::exists(*path, ec))
      return fail(ErrorKind::bad_input,
                  "no policy at {}: write one (see examples/policy.yaml) or point --policy or "
                  "BEAVER_POLICY at it",
                  *path);
    auto p = load_policy(*path, data_dir());
    if (!p) return std::unexpected(p.error());
    policy_ = std::move(*p);
  }
  return &*policy_;
}

Result<Context::Local> Context::local(Access access, bool with_policy) {
  auto who = actor();
  if (!who) return std::unexpected(who.error());
  const Policy* p = nullptr;
  if (with_policy) {
    auto loaded = policy();
    if (!loaded) return std::unexpected(loaded.error());
    p = *loaded;
  }
  auto c = clock();
  if (!c) return std::unexpected(c.error());
  auto s = store(access);
  if (!s) return std::unexpected(s.error());
  return Local{*who, *s, *c, p};
}

Result<Context::Session> Context::session(Access access, bool with_policy) {
  auto l = local(access, with_policy);
  if (!l) return std::unexpected(l.error());
  return Session{l->actor, Ledger(*l->store, *l->clock, l->policy, notification_outbox())};
}

bool Context::remote() const {
  return !options.server.empty() || !env_or("BEAVER_SERVER", "").empty();
}

std::optional<std::string> Context::release_page(const std::string& id) {
  auto base = web_address();
  if (!base || id.empty()) return std::nullopt;
  return fmt::format("{}/releases/{}", *base, id);
}

std::optional<std::string> Context::web_address() {
  std::string base;
  if (remote()) {
    base = !options.server.empty() ? options.server : env_or("BEAVER_SERVER", "");
  } else if (policy_) {
    base = policy_->notify_base_url;
  }
  while (base.ends_with('/')) base.pop_back();
  if (base.empty()) return std::nullopt;
  return base;
}

Result<Operations*> Context::ops(Access access, bool with_policy) {
  if (!ops_) {
    if (remote()) {
      if (!options.as.empty())
        return fail(ErrorKind::bad_input,
                    "--as picks who acts on a local ledger; on a server you act as your "
                    "token's user (BEAVER_TOKEN)");
      std::string url = !options.server.empty() ? options.server : env_or("BEAVER_SERVER", "");
      auto remote_ops = remote_operations(url, env_or("BEAVER_TOKEN", ""), server_timeout);
      if (!remote_ops) return std::unexpected(remote_ops.error());
      ops_ = std::move(*remote_ops);
    } else {
      auto l = local(access, with_policy);
      if (!l) return std::unexpected(l.error());
      auto home = beaver_home();
      if (!home) return std::unexpected(home.error());
      auto deploying = deploy_options_from_environment(*home, data_dir());
      if (!deploying) return std::unexpected(deploying.error());
      // No `start`: deploys from this command line run in the foreground, in this process
      // (LocalOperations::deploy), drawn by the deploy command's progress.
      hosts_ = HostAccess{};
      hosts_->options = *deploying;
      ops_ = local_operations(*l->store, *l->clock, l->policy, l->actor, &*hosts_);
    }
  }
  return ops_.get();
}

}  // namespace beaver::cli
