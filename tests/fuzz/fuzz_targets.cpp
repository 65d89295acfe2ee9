#include "fuzz_targets.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "alerts/alertmanager.hpp"
#include "digest/sha256.hpp"
#include "model/names.hpp"
#include "package/archive_reader.hpp"
#include "package/package_intake.hpp"
#include "policy/policy.hpp"
#include "server/json_body.hpp"
#include "service/manifest.hpp"
#include "store/database_url.hpp"

namespace beaver::fuzz {
namespace {

namespace fs = std::filesystem;

std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// schemas/ and pipelines/: BEAVER_DATA_DIR, else the source tree this was built from.
const fs::path& data_dir() {
  static const fs::path dir = [] {
    const char* env = std::getenv("BEAVER_DATA_DIR");
    return fs::path(env != nullptr && *env != '\0' ? env : BEAVER_SOURCE_DATA_DIR);
  }();
  return dir;
}

// The archive readers take a file: one per process, rewritten for each input, removed at exit.
const fs::path& scratch_file() {
  struct Scratch {
    fs::path file =
        fs::temp_directory_path() / ("beaver-fuzz-" + std::to_string(::getpid()) + ".tar.gz");
    ~Scratch() {
      std::error_code ec;
      fs::remove(file, ec);
    }
  };
  static const Scratch scratch;
  return scratch.file;
}

void tar(const uint8_t* data, size_t size) {
  const auto& file = scratch_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ArchiveLimits limits;
  limits.max_unpacked = 64 << 20;
  limits.hash_files = true;
  (void)read_archive(
      file, "fuzz", [](const ArchiveMember&, const std::string&) {}, limits);
  // The whole intake, under the name its bytes give it: MANIFEST.json, beaver.yaml and all.
  IntakeOptions options;
  options.label = "fuzz";
  options.data_dir = data_dir();
  options.max_unpacked = 64 << 20;
  (void)inspect_package(file, sha256_hex(text_of(data, size)), options);
}

void policy(const uint8_t* data, size_t size) {
  (void)parse_policy(text_of(data, size), "policy.yaml", data_dir());
}

void service(const uint8_t* data, size_t size) {
  (void)parse_service_manifest(text_of(data, size), "beaver.yaml", data_dir());
}

// A request body read as the routes read theirs: strictly, then each field as a route asks.
void json_body(const uint8_t* data, size_t size) {
  auto body = JsonBody::parse(text_of(data, size));
  if (!body) return;
  for (const char* key : {"service", "env", "version", "reason", "comment", "notes", "label"})
    if (auto v = body->optional_text(key); v && *v) (void)check_text(key, **v, 4000, true);
  (void)body->flag("emergency");
  (void)body->optional_integer("parallel");
  (void)body->texts("roles");
  (void)body->finish();
}

// A body Alertmanager's webhook would post: read strictly, every alert or the first bad field.
void alertmanager(const uint8_t* data, size_t size) {
  (void)read_alertmanager(text_of(data, size));
}

void database_url(const uint8_t* data, size_t size) {
  auto text = text_of(data, size);
  (void)parse_database_url(text);
  (void)redact_database_url(text);
}

struct Named {
  std::string_view name;
  Target target;
};
constexpr std::array kTargets{Named{"tar", tar},
                              Named{"policy", policy},
                              Named{"service", service},
                              Named{"json_body", json_body},
                              Named{"database_url", database_url},
                              Named{"alertmanager", alertmanager}};

}  // namespace

Target find_target(std::string_view name) {
  for (const auto& t : kTargets)
    if (t.name == name) return t.target;
  return nullptr;
}

std::string_view target_names() { return "tar policy service json_body database_url alertmanager"; }

}  // namespace beaver::fuzz
