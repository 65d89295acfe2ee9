#pragma once
// A service's manifest, beaver.yaml at its repository root: who owns it, how it is built
// (through which standard pipeline), what goes into its package, and where it runs.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"
#include "pipeline/pipeline.hpp"

namespace beaver {

struct HostSpec {
  enum class Kind { local, ssh };
  Kind kind = Kind::local;
  std::string url;   // as written
  std::string user;  // ssh only
  std::string host;  // ssh only
  int ssh_port = 22;
  std::string root;         // the deploy root on that host (absolute)
  std::optional<int> port;  // the service's port there, when it differs from health.port
};

struct EnvironmentSpec {
  std::string name;
  std::vector<std::string> batches;  // "1", "50%", ...; empty: all hosts at once
  // Between batches: the hosts moved so far must stay healthy this long before the next starts.
  std::chrono::seconds pause{0};
  int keep = 5;
  std::vector<HostSpec> hosts;
};

struct HealthSpec {
  int port = 8080;
  std::string path = "/health";
  std::chrono::seconds timeout{30};
};

struct ServiceManifest {
  std::filesystem::path file;  // the beaver.yaml read
  std::string content;         // its bytes, carried into the package
  std::string service;
  std::string team;
  Pipeline pipeline;
  std::string version_source;  // pom | gradle | git | a literal version
  std::string jar;             // relative to the service root, variables not yet expanded
  std::vector<std::string> libs;
  std::vector<std::string> conf;
  std::vector<std::string> jvm_options;
  HealthSpec health;
  std::map<std::string, EnvironmentSpec, std::less<>> environments;
};

// Reads and validates `file` against schemas/service.schema.json and its pipeline: fields the
// pipeline does not let a service set, an unknown pipeline or a bad host are errors that point
// at the file, line and column.
Result<ServiceManifest> load_service_manifest(const std::filesystem::path& file,
                                              const std::filesystem::path& data_dir);

// The same for a beaver.yaml's `content` read elsewhere (from a package); errors point at
// `label`, line and column.
Result<ServiceManifest> parse_service_manifest(std::string content, const std::string& label,
                                               const std::filesystem::path& data_dir);

// Why a host URL is refused, and the byte of the URL at fault (the first bad character), unless
// it is the URL as a whole.
struct HostUrlError {
  std::string message;
  std::optional<size_t> offset;
};

// Parses "local:/path" or "ssh://user@host[:port]/path" under the strict patterns of
// schemas/service.schema.json (user: lower-case letters, digits, '_', '-'; host: letters,
// digits, '.', '-'; each folder of the path: letters, digits, '.', '_', '-', starting with a
// letter or digit). A refusal names the first character at fault and says where it is.
std::expected<HostSpec, HostUrlError> read_host_url(std::string_view url);

// The same, the refusal a bad_input error "'URL': what is wrong".
Result<HostSpec> parse_host_url(const std::string& url);

}  // namespace beaver
