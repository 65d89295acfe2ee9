#pragma once
// `beaver package`: the standard, deterministic package of a service, built from a clean git
// commit: bin/<service> (the launcher), lib/, conf/, logs/, systemd/<service>.service, the
// beaver.yaml it was built with, and MANIFEST.json with the git facts and every file's SHA-256.

#include <filesystem>
#include <string>
#include <vector>

#include "build/build.hpp"
#include "error/error.hpp"
#include "model/package_record.hpp"
#include "package/archive.hpp"
#include "service/manifest.hpp"

namespace beaver {

struct PackageOptions {
  bool allow_dirty = false;  // package a work tree with uncommitted changes (recorded)
  std::string builder;       // who packages, recorded in the manifest
};

struct BuiltPackage {
  std::filesystem::path file;  // dist/<service>-<version>.tar.gz
  PackageRecord record;        // ready for Ledger::register_package
  BuildReport build;
  std::vector<ArchivedFile> files;
};

// Checks the work tree, runs the build, assembles and writes the package. Its bytes depend only
// on the commit, the build's output, the builder and the JDK: entry times are the commit time,
// and the manifest's build time is SOURCE_DATE_EPOCH when set, else the commit time too.
Result<BuiltPackage> make_package(const ServiceManifest& manifest,
                                  const std::filesystem::path& root,
                                  const std::filesystem::path& data_dir,
                                  const PackageOptions& options, BuildObserver& observer);

}  // namespace beaver
