#pragma once
// A service's version, from where its manifest says: the POM, a Gradle property, git describe,
// or a literal. The result is checked as a name, since it reaches file names and paths.

#include <filesystem>
#include <string>

#include "error/error.hpp"
#include "service/manifest.hpp"

namespace beaver {

Result<std::string> resolve_version(const ServiceManifest& manifest,
                                    const std::filesystem::path& root);

}  // namespace beaver
