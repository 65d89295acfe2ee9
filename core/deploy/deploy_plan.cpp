// What a deploy will do: the package file kept for the release, the spec it carries, the hosts of
// the environment in batches.

#include <charconv>

#include "deploy/deploy.hpp"
#include "deploy/status.hpp"
#include "package/archive.hpp"
#include "package/archive_reader.hpp"
#include "package/package_store.hpp"
#include "paths/paths.hpp"

namespace beaver {

namespace fs = std::filesystem;

Result<std::vector<int>> batch_sizes(const std::string& spec, int hosts) {
  auto bad = [&] {
    return fail(ErrorKind::bad_input,
                "batches '{}': a comma-separated list of host counts (1, 2...) or shares (1% to "
                "100%)",
                spec);
  };
  std::vector<int> sizes;
  int reached = 0;
  std::string_view rest = spec;
  do {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty()) return bad();
    bool percent = item.ends_with('%');
    if (percent) item.remove_suffix(1);
    int n = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (item.empty() || ec != std::errc{} || end != item.data() + item.size() || n < 1 ||
        (percent && n > 100))
      return bad();
    int target = percent ? (hosts * n + 99) / 100 : std::min(n, hosts);
    if (target > reached) {
      sizes.push_back(target - reached);
      reached = target;
    }
  } while (!rest.empty());
  if (reached < hosts) sizes.push_back(hosts - reached);
  return sizes;
}

namespace {

// The beaver.yaml that release `release_id`'s package `file` carries. Every member of the
// package is checked on the way, so a plan checks it before any byte reaches a host.
Result<ServiceManifest> spec_of_package(const fs::path& file, const PackageRecord& package,
                                        int64_t release_id, const DeployOptions& options) {
  std::string spec_text;
  auto members = read_archive(file, package.file_name,
                              [&](const ArchiveMember& m, const std::string& content) {
                                if (m.path == "beaver.yaml") spec_text = content;
                              });
  if (!members)
    return fail(ErrorKind::refused, "release {}: its package is refused: {}", release_id,
                members.error().message);
  if (spec_text.empty())
    return fail(ErrorKind::refused, "release {}: its package holds no beaver.yaml", release_id);
  auto spec = parse_service_manifest(std::move(spec_text),
                                     fmt::format("{} (beaver.yaml)", package.file_name),
                                     options.transport.data_dir);
  if (!spec) return fail(ErrorKind::refused, "{}", spec.error().message);
  return spec;
}

}  // namespace

std::optional<PackageRecord> earlier_package(Ledger& ledger, const std::string& actor,
                                             const DeployPlan& plan,
                                             const std::string& release_dir) {
  auto dash = release_dir.rfind('-');
  if (dash == std::string::npos) return std::nullopt;
  int64_t id = 0;
  const char* end = release_dir.data() + release_dir.size();
  auto [at, ec] = std::from_chars(release_dir.data() + dash + 1, end, id);
  if (ec != std::errc{} || at != end || id <= 0) return std::nullopt;
  auto view = ledger.show(actor, id);
  if (!view) return std::nullopt;
  const Release& r = view->release;
  if (r.service != plan.release.service || !r.package_sha256 ||
      fmt::format("{}-{}", r.version, r.id) != release_dir)
    return std::nullopt;
  auto package = ledger.package(actor, *r.package_sha256);
  if (!package) return std::nullopt;
  return *package;
}

std::optional<HealthTarget> packaged_health_target(const PackageRecord& package,
                                                   const DeployPlan& plan,
                                                   const DeployOptions& options,
                                                   const std::string& host_url) {
  auto spec = spec_of_package(stored_package(options.home, package.sha256), package, 0, options);
  if (!spec) return std::nullopt;
  HealthTarget target{spec->health.port, spec->health.path, spec->health.timeout};
  if (auto env = spec->environments.find(plan.release.env); env != spec->environments.end())
    for (const auto& h : env->second.hosts)
      if (h.url == host_url && h.port) target.port = *h.port;
  return target;
}

Result<DeployPlan> plan_deploy(Ledger& ledger, const std::string& actor, int64_t release_id,
                               const DeployOptions& options) {
  auto view = ledger.show(actor, release_id);
  if (!view) return std::unexpected(view.error());
  DeployPlan plan;
  plan.release = view->release;
  const Release& r = plan.release;
  if (!r.package_sha256)
    return fail(ErrorKind::refused,
                "release {} names no package; only a release submitted with its package is "
                "deployed",
                r.id);
  auto package = ledger.package(actor, *r.package_sha256);
  if (!package) return std::unexpected(package.error());
  plan.package = *package;
  plan.package_file = stored_package(options.home, *r.package_sha256);
  std::error_code ec;
  if (!fs::is_regular_file(plan.package_file, ec))
    return fail(ErrorKind::refused,
                "the package of release {} ({}) is not in {}: give it again with 'beaver release "
                "submit --package FILE' or make it with 'beaver package'",
                r.id, package->file_name, plan.package_file.parent_path().string());
  auto spec = spec_of_package(plan.package_file, *package, r.id, options);
  if (!spec) return std::unexpected(spec.error());
  plan.spec = std::move(*spec);
  if (plan.spec.service != r.service)
    return fail(ErrorKind::refused, "release {} is for {}, but its package's beaver.yaml is {}'s",
                r.id, r.service, plan.spec.service);
  auto env = plan.spec.environments.find(r.env);
  if (env == plan.spec.environments.end() || env->second.hosts.empty())
    return fail(ErrorKind::refused,
                "the package's beaver.yaml has no hosts for environment {}: add them under "
                "environments.{}.hosts and package again",
                r.env, r.env);
  const EnvironmentSpec& e = env->second;
  plan.keep = e.keep;
  plan.pause = e.pause;
  plan.release_dir = fmt::format("{}-{}", r.version, r.id);
  if (options.batches)
    plan.batches_text = *options.batches;
  else
    for (const auto& b : e.batches) plan.batches_text += (plan.batches_text.empty() ? "" : ",") + b;
  if (plan.batches_text.empty()) plan.batches_text = "100%";
  auto sizes = batch_sizes(plan.batches_text, static_cast<int>(e.hosts.size()));
  if (!sizes) return std::unexpected(sizes.error());
  size_t next = 0;
  for (size_t b = 0; b < sizes->size(); ++b) {
    std::vector<PlannedHost> batch;
    for (int i = 0; i < (*sizes)[b]; ++i, ++next)
      batch.push_back(
          {e.hosts[next], e.hosts[next].port.value_or(plan.spec.health.port), static_cast<int>(b)});
    plan.batches.push_back(std::move(batch));
  }
  if (options.repair) return repair_plan(ledger, actor, std::move(plan), options);
  plan.break_glass = options.break_glass;
  return plan;
}

}  // namespace beaver
