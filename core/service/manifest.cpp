#include "service/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "clock/clock.hpp"
#include "schema/schema.hpp"
#include "schema/yaml_file.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

bool allowed(const Pipeline& p, const std::string& field) {
  return std::find(p.overridable.begin(), p.overridable.end(), field) != p.overridable.end();
}

}  // namespace

Result<HostSpec> parse_host_url(const std::string& url) {
  HostSpec h;
  h.url = url;
  if (url.starts_with("local:")) {
    h.kind = HostSpec::Kind::local;
    h.root = url.substr(6);
  } else if (url.starts_with("ssh://")) {
    h.kind = HostSpec::Kind::ssh;
    std::string rest = url.substr(6);
    auto at = rest.find('@'), slash = rest.find('/');
    if (at == std::string::npos || slash == std::string::npos || slash < at)
      return fail(ErrorKind::bad_input, "'{}' is not ssh://user@host[:port]/path", url);
    h.user = rest.substr(0, at);
    std::string host_port = rest.substr(at + 1, slash - at - 1);
    h.root = rest.substr(slash);
    if (auto colon = host_port.find(':'); colon != std::string::npos) {
      std::string port = host_port.substr(colon + 1);
      auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), h.ssh_port);
      if (ec != std::errc{} || end != port.data() + port.size() || h.ssh_port < 1 ||
          h.ssh_port > 65535)
        return fail(ErrorKind::bad_input, "'{}': '{}' is not a port", url, port);
      host_port.resize(colon);
    }
    h.host = host_port;
  } else {
    return fail(ErrorKind::bad_input, "'{}' is neither local:/path nor ssh://user@host/path", url);
  }
  // These reach a command line (ssh's) and paths on the host: strict patterns, checked here.
  auto plain = [](std::string_view s, std::string_view extra) {
    return !s.empty() && std::isalnum(static_cast<unsigned char>(s.front())) &&
           std::all_of(s.begin(), s.end(), [&](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) ||
                    extra.find(c) != std::string_view::npos;
           });
  };
  if (h.kind == HostSpec::Kind::ssh) {
    if (!plain(h.user, "._-"))
      return fail(ErrorKind::bad_input,
                  "'{}': the user may hold only letters, digits, '.', '_', '-'", url);
    if (!plain(h.host, ".-"))
      return fail(ErrorKind::bad_input,
                  "'{}': the host must be a host name or an IPv4 address (letters, digits, '.', "
                  "'-')",
                  url);
  }
  if (!h.root.starts_with('/'))
    return fail(ErrorKind::bad_input, "'{}': the deploy root must be an absolute path", url);
  for (std::string_view rest = std::string_view(h.root).substr(1); !rest.empty();) {
    auto slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (!part.empty() && !plain(part, "._+-"))
      return fail(ErrorKind::bad_input,
                  "'{}': each folder of the deploy root may hold only letters, digits, '.', '_', "
                  "'+', '-' and start with a letter or digit",
                  url);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  while (h.root.size() > 1 && h.root.ends_with('/')) h.root.pop_back();
  return h;
}

Result<ServiceManifest> load_service_manifest(const fs::path& file, const fs::path& data_dir) {
  std::error_code ec;
  if (!fs::exists(file, ec))
    return fail(ErrorKind::bad_input,
                "no {} here: run 'beaver init' in the service's repository root to write one",
                file.string());
  auto content = read_small_file(file, "service manifest", 1 << 20);
  if (!content) return std::unexpected(content.error());
  auto m = parse_service_manifest(std::move(*content), file.string(), data_dir);
  if (m) m->file = file;
  return m;
}

Result<ServiceManifest> parse_service_manifest(std::string content, const std::string& label,
                                               const fs::path& data_dir) {
  auto doc = YamlDocument::parse(content, label);
  if (!doc) return std::unexpected(doc.error());
  BEAVER_TRY(validate(*doc, data_dir / "schemas" / "service.schema.json"));
  const YAML::Node& root = doc->root();
  ServiceManifest m;
  m.file = label;
  m.content = std::move(content);
  m.service = root["service"].Scalar();
  m.team = root["team"].Scalar();
  auto pipeline = load_pipeline(root["pipeline"].Scalar(), data_dir);
  if (!pipeline) return std::unexpected(doc->error_at(root["pipeline"], pipeline.error().message));
  m.pipeline = std::move(*pipeline);

  // A service may set only what its pipeline lets it.
  auto guard = [&](const YAML::Node& node, const std::string& field) -> Result<void> {
    if (node && !allowed(m.pipeline, field))
      return std::unexpected(doc->error_at(
          node,
          fmt::format("the {} pipeline does not let a service set '{}'", m.pipeline.name, field)));
    return {};
  };
  const YAML::Node package = root["package"];
  BEAVER_TRY(guard(root["version"], "version"));
  BEAVER_TRY(guard(root["jvm_options"], "jvm_options"));
  BEAVER_TRY(guard(root["health"], "health"));
  if (package) {
    BEAVER_TRY(guard(package["jar"], "package.jar"));
    BEAVER_TRY(guard(package["libs"], "package.libs"));
    BEAVER_TRY(guard(package["conf"], "package.conf"));
  }

  m.version_source = root["version"] ? root["version"].Scalar() : m.pipeline.version_source;
  m.jar = package && package["jar"] ? package["jar"].Scalar() : m.pipeline.jar;
  if (package) {
    m.libs = scalars(package["libs"]);
    m.conf = scalars(package["conf"]);
  }
  m.jvm_options = scalars(root["jvm_options"]);
  if (const YAML::Node health = root["health"]) {
    if (health["port"]) m.health.port = health["port"].as<int>();
    if (health["path"]) m.health.path = health["path"].Scalar();
    if (const YAML::Node t = health["timeout"]) {
      auto d = parse_duration(t.Scalar());
      if (!d) return std::unexpected(doc->error_at(t, d.error().message));
      m.health.timeout = *d;
    }
  }
  if (const YAML::Node envs = root["environments"]) {
    for (const auto& item : envs) {
      EnvironmentSpec env;
      env.name = item.first.Scalar();
      const YAML::Node spec = item.second;
      for (const auto& b : spec["batches"]) env.batches.push_back(b.Scalar());
      if (spec["keep"]) env.keep = spec["keep"].as<int>();
      for (const auto& h : spec["hosts"]) {
        const YAML::Node url_node = h.IsMap() ? h["url"] : h;
        auto host = parse_host_url(url_node.Scalar());
        if (!host) return std::unexpected(doc->error_at(url_node, host.error().message));
        if (h.IsMap() && h["port"]) host->port = h["port"].as<int>();
        env.hosts.push_back(std::move(*host));
      }
      m.environments.emplace(env.name, std::move(env));
    }
  }
  return m;
}

}  // namespace beaver
