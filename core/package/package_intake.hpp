#pragma once
// A package file that arrives from elsewhere (uploaded to the server): nothing in it is trusted
// until it is checked, and it is kept only once every check passed, under the name its SHA-256
// gives it, so a deploy on this machine finds the very bytes a release names.

#include <filesystem>
#include <string>

#include "error/error.hpp"
#include "model/package_record.hpp"

namespace beaver {

// Whether `text` is a package's name: its SHA-256 as 64 lowercase hexadecimal digits. Checked
// before such a name reaches a path.
bool is_package_name(std::string_view text);

// What a package says about itself, read from a checked file.
struct PackageFacts {
  PackageRecord record;  // ready for Ledger::register_package (builder and time set there)
  std::string team;      // the owning team its MANIFEST.json names
};

// How a package is taken in: what the refusals call it, where the schemas are, and its limits.
struct IntakeOptions {
  std::string label = "the package";  // never a path of the server's own
  std::filesystem::path data_dir;     // schemas/ and pipelines/, for its beaver.yaml
  uint64_t max_unpacked = uint64_t{2048} << 20;
};

// Checks the .tar.gz at `file` that claims to be package `sha256`: its checksum is that name;
// every member passes read_archive's checks; it holds a MANIFEST.json naming a well-formed
// service, version, team and commit, and listing every other file with its size and SHA-256,
// each true; its beaver.yaml is valid (hosts included) and names the same service and team.
// bad_input naming the member and the reason otherwise; reads only.
Result<PackageFacts> inspect_package(const std::filesystem::path& file, const std::string& sha256,
                                     const IntakeOptions& options);

// Moves (or copies, across file systems) the checked `file` to where deploys read package
// `sha256` under `home`; true when it was not there yet (false: the same bytes were kept
// already, and `file` is left as it is).
Result<bool> store_package_file(const std::filesystem::path& home,
                                const std::filesystem::path& file, const std::string& sha256);
// The same, copying `file`, which stays as it is.
Result<bool> copy_package_file(const std::filesystem::path& home, const std::filesystem::path& file,
                               const std::string& sha256);

}  // namespace beaver
