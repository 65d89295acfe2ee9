#pragma once
// `beaver init`: a first beaver.yaml for a Java project, its pipeline detected from the files at
// its root (pom.xml, build.gradle, src/).

#include <filesystem>
#include <optional>
#include <string>

#include "error/error.hpp"

namespace beaver {

struct InitOptions {
  std::optional<std::string> service;   // default: the folder's name
  std::string team;                     // required
  std::optional<std::string> pipeline;  // default: detected
  bool force = false;                   // replace an existing beaver.yaml
};

// Writes `dir`/beaver.yaml and returns its path. Refuses an existing file (unless `force`), a
// folder where no pipeline or several pipelines match (name one with `pipeline`), and names that
// do not fit the strict pattern.
Result<std::filesystem::path> init_service(const std::filesystem::path& dir,
                                           const InitOptions& options,
                                           const std::filesystem::path& data_dir);

}  // namespace beaver
