#include "deploy/status.hpp"

#include <Poco/JSON/Parser.h>

#include <charconv>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "deploy/health.hpp"
#include "digest/sha256.hpp"

namespace beaver {
namespace {

// path -> sha256 of every file a package holds, from its manifest (MANIFEST.json included).
std::map<std::string, std::string> package_files(const PackageRecord& p) {
  std::map<std::string, std::string> out;
  try {
    auto root = Poco::JSON::Parser().parse(p.manifest_json).extract<Poco::JSON::Object::Ptr>();
    auto files = root->getArray("files");
    for (size_t i = 0; files && i < files->size(); ++i) {
      auto f = files->getObject(static_cast<unsigned>(i));
      out[f->getValue<std::string>("path")] = f->getValue<std::string>("sha256");
    }
  } catch (const Poco::Exception&) {
  }
  out["MANIFEST.json"] = sha256_hex(p.manifest_json);
  return out;
}

// "1.4.2-42" -> 42.
std::optional<int64_t> release_id_of(const std::string& dir) {
  auto dash = dir.rfind('-');
  if (dash == std::string::npos) return std::nullopt;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(dir.data() + dash + 1, dir.data() + dir.size(), id);
  if (ec != std::errc{} || end != dir.data() + dir.size()) return std::nullopt;
  return id;
}

void inspect_host(Ledger& ledger, const std::string& actor, const EnvStatus& env,
                  const DeployPlan& plan, const PlannedHost& p, const DeployOptions& options,
                  std::mutex& ledger_mutex, HostStatus& s, std::unique_ptr<HostTransport>& kept) {
  s.host = p.host.url;
  auto transport = make_transport(p.host, env.service, options.transport);
  if (!transport) {
    s.error = transport.error().message;
    return;
  }
  // Closed by the caller once every host is done: hosts may share one ssh connection.
  kept = std::move(*transport);
  auto& t = *kept;
  auto prepared = t.prepare();
  auto inspected = prepared && prepared->exit_code == 0
                       ? t.run("inspect", {}, {}, std::chrono::minutes(2))
                       : prepared;
  if (!inspected || inspected->exit_code != 0) {
    s.error = inspected ? inspected->output : inspected.error().message;
    while (!s.error.empty() && s.error.back() == '\n') s.error.pop_back();
    return;
  }
  s.reachable = true;
  std::istringstream lines(inspected->output);
  std::string line;
  std::map<std::string, std::string> found;
  while (std::getline(lines, line)) {
    if (line.starts_with("current ")) {
      s.release_dir = line.substr(8);
    } else if (line.size() > 68 && line[64] == ' ') {
      std::string path = line.substr(66);
      if (path.starts_with("./")) path = path.substr(2);
      found[path] = line.substr(0, 64);
    }
  }
  if (s.release_dir.empty()) {
    s.drift.push_back("nothing is deployed here");
    return;
  }
  auto status = t.run("status", {env.service}, {}, std::chrono::seconds(30));
  s.running = status && status->exit_code == 0;
  if (s.running) {
    auto h = check_health(t.address(), p.port, plan.spec.health.path, std::chrono::seconds(2));
    s.healthy = h.healthy;
    s.health = h.last;
  } else {
    s.health =
        status && status->exit_code == 3
            ? "not running"
            : fmt::format("status failed: {}", status ? status->output : status.error().message);
  }
  s.release_id = release_id_of(s.release_dir);
  std::optional<PackageRecord> package;
  std::optional<Release> release;
  {
    std::lock_guard lock(ledger_mutex);
    if (s.release_id) {
      if (auto v = ledger.show(actor, *s.release_id);
          v && v->release.service == env.service && v->release.env == env.env &&
          s.release_dir == fmt::format("{}-{}", v->release.version, v->release.id)) {
        release = v->release;
        auto received = ledger.host_received(s.host, *s.release_id);
        if (!received || !*received) release.reset();
      }
    }
    if (release && release->package_sha256)
      if (auto pk = ledger.package(actor, *release->package_sha256)) package = *pk;
  }
  if (!release) {
    s.drift.push_back(fmt::format("runs {}, which the ledger never deployed here", s.release_dir));
    return;
  }
  s.version = release->version;
  s.commit = release->commit.value_or("");
  if (env.live && env.live->id != release->id)
    s.drift.push_back(fmt::format("runs release {} ({}), but the ledger's live release is {} ({})",
                                  release->id, release->version, env.live->id, env.live->version));
  if (!package) return;
  auto expected = package_files(*package);
  for (const auto& [path, sha] : expected) {
    auto f = found.find(path);
    if (f == found.end())
      s.drift.push_back(fmt::format("{} is missing", path));
    else if (f->second != sha)
      s.drift.push_back(fmt::format("{} was changed (sha256 {} instead of {})", path,
                                    f->second.substr(0, 12), sha.substr(0, 12)));
  }
  for (const auto& [path, sha] : found)
    if (!expected.contains(path)) s.drift.push_back(fmt::format("{} is not in the package", path));
}

}  // namespace

bool EnvStatus::ok() const {
  return !hosts.empty() &&
         std::all_of(hosts.begin(), hosts.end(), [](const HostStatus& h) { return h.ok(); });
}

Result<EnvStatus> env_status(Ledger& ledger, const std::string& actor, const std::string& service,
                             const std::string& env, const DeployOptions& options) {
  auto live = ledger.live(actor, service, env);
  if (!live) return std::unexpected(live.error());
  EnvStatus out;
  out.service = service;
  out.env = env;
  out.lease = live->lease;
  if (live->deployed.empty())
    return fail(ErrorKind::not_found,
                "the ledger has no deploy of {} on {}: its hosts are known from a deployed "
                "package's beaver.yaml",
                service, env);
  out.live = live->deployed.front();
  auto plan = plan_deploy(ledger, actor, out.live->id, options);
  if (!plan) return std::unexpected(plan.error());
  std::vector<PlannedHost> hosts;
  for (const auto& b : plan->batches) hosts.insert(hosts.end(), b.begin(), b.end());
  out.hosts.resize(hosts.size());
  std::vector<std::unique_ptr<HostTransport>> transports(hosts.size());
  std::mutex ledger_mutex;
  std::vector<std::thread> threads;
  size_t width = std::min<size_t>(hosts.size(), static_cast<size_t>(std::max(1, options.parallel)));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < hosts.size();)
      inspect_host(ledger, actor, out, *plan, hosts[i], options, ledger_mutex, out.hosts[i],
                   transports[i]);
  };
  for (size_t i = 1; i < width; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (auto& t : transports)
    if (t) t->close();
  return out;
}

}  // namespace beaver
