#include "service/manifest.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "clock/clock.hpp"
#include "model/names.hpp"
#include "schema/schema.hpp"
#include "schema/yaml_file.hpp"

namespace beaver {
namespace {

namespace fs = std::filesystem;

bool allowed(const Pipeline& p, const std::string& field) {
  return std::find(p.overridable.begin(), p.overridable.end(), field) != p.overridable.end();
}

// The text nodes of the host URLs under environments.*.hosts, wherever the document has that
// shape (it is not validated yet).
std::vector<YAML::Node> host_url_nodes(const YAML::Node& root) {
  // A missing key gives an invalid node, which throws when asked its type.
  auto map_at = [](const YAML::Node& node, const char* key) {
    if (!node.IsMap()) return YAML::Node();
    const YAML::Node child = node[key];
    return child.IsDefined() ? child : YAML::Node();
  };
  std::vector<YAML::Node> out;
  const YAML::Node envs = map_at(root, "environments");
  if (!envs.IsMap()) return out;
  for (const auto& env : envs) {
    const YAML::Node hosts = map_at(env.second, "hosts");
    if (!hosts.IsSequence()) continue;
    for (const auto& h : hosts) {
      const YAML::Node url = h.IsMap() ? map_at(h, "url") : YAML::Node(h);
      if (url.IsScalar()) out.push_back(url);
    }
  }
  return out;
}

}  // namespace

std::expected<HostSpec, HostUrlError> read_host_url(std::string_view url) {
  auto wrong = [](std::optional<size_t> at, std::string message) {
    return std::unexpected(HostUrlError{std::move(message), at});
  };
  // These reach a command line (ssh's) and paths on the host: strict patterns, the same as
  // schemas/service.schema.json's host_url, checked here to name the character at fault.
  auto first_bad = [](std::string_view s, auto allowed) {
    return static_cast<size_t>(std::find_if_not(s.begin(), s.end(), allowed) - s.begin());
  };
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  HostSpec h;
  h.url = url;
  size_t root_at = 0;
  if (url.starts_with("local:")) {
    h.kind = HostSpec::Kind::local;
    root_at = 6;
  } else if (url.starts_with("ssh://")) {
    h.kind = HostSpec::Kind::ssh;
    size_t at = url.find('@', 6), slash = url.find('/', 6);
    if (at == std::string_view::npos || slash == std::string_view::npos || slash < at)
      return wrong(std::nullopt, "not ssh://user@host[:port]/path");
    std::string_view user = url.substr(6, at - 6);
    size_t bad = first_bad(user, [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (user.empty() || bad < user.size() ||
        !((user[0] >= 'a' && user[0] <= 'z') || user[0] == '_'))
      return wrong(
          6 + (bad < user.size() ? bad : 0),
          fmt::format("{}the user may hold only lower-case letters, digits, '_' and "
                      "'-', and starts with a letter or '_'",
                      bad < user.size() ? char_named(user, bad) + " is not allowed: " : ""));
    std::string_view host = url.substr(at + 1, slash - at - 1);
    if (auto colon = host.find(':'); colon != std::string_view::npos) {
      std::string_view port = host.substr(colon + 1);
      auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), h.ssh_port);
      if (ec != std::errc{} || end != port.data() + port.size() || h.ssh_port < 1 ||
          h.ssh_port > 65535)
        return wrong(at + 2 + colon, fmt::format("'{}' is not a port (1 to 65535)", port));
      host = host.substr(0, colon);
    }
    bad = first_bad(host, [&](char c) { return alnum(c) || c == '.' || c == '-'; });
    if (host.empty() || bad < host.size() || !alnum(host[0]))
      return wrong(
          at + 1 + (bad < host.size() ? bad : 0),
          fmt::format("{}the host must be a host name or an IPv4 address (letters, "
                      "digits, '.' and '-', starting with a letter or digit)",
                      bad < host.size() ? char_named(host, bad) + " is not allowed: " : ""));
    h.user = user;
    h.host = host;
    root_at = slash;
  } else {
    return wrong(std::nullopt, "neither local:/path nor ssh://user@host[:port]/path");
  }
  std::string_view root = url.substr(root_at);
  if (!root.starts_with('/')) return wrong(root_at, "the deploy root must be an absolute path");
  for (size_t i = 1; i < root.size();) {
    size_t slash = std::min(root.find('/', i), root.size());
    std::string_view part = root.substr(i, slash - i);
    size_t bad =
        first_bad(part, [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
    if (bad < part.size())
      return wrong(root_at + i + bad,
                   fmt::format("{} is not allowed in the deploy root: each folder may hold only "
                               "letters, digits, '.', '_' and '-'",
                               char_named(part, bad)));
    if (!part.empty() && !alnum(part[0]))
      return wrong(
          root_at + i,
          fmt::format("the deploy root's folder '{}' must start with a letter or digit", part));
    i = slash + 1;
  }
  h.root = root;
  while (h.root.size() > 1 && h.root.ends_with('/')) h.root.pop_back();
  return h;
}

Result<HostSpec> parse_host_url(const std::string& url) {
  auto h = read_host_url(url);
  if (!h) return fail(ErrorKind::bad_input, "'{}': {}", url, h.error().message);
  return *h;
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
  // Before the schema, whose pattern can only say that a whole URL is wrong: this names the
  // character at fault and points at it.
  for (const auto& url : host_url_nodes(doc->root()))
    if (auto host = read_host_url(url.Scalar()); !host) {
      auto message = fmt::format("'{}': {}", url.Scalar(), host.error().message);
      return std::unexpected(host.error().offset
                                 ? doc->error_at(url, *host.error().offset, std::move(message))
                                 : doc->error_at(url, std::move(message)));
    }
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
      if (const YAML::Node pause = spec["pause"]) {
        auto d = parse_duration(pause.Scalar());
        if (!d) return std::unexpected(doc->error_at(pause, d.error().message));
        // The lease is held through the pause: an hour is as long as a deploy should wait.
        if (*d > std::chrono::hours(1))
          return std::unexpected(
              doc->error_at(pause, fmt::format("pause {} is longer than 1h", pause.Scalar())));
        env.pause = *d;
      }
      for (const auto& h : spec["hosts"]) {
        const YAML::Node url_node = h.IsMap() ? h["url"] : h;
        auto host = read_host_url(url_node.Scalar());
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
