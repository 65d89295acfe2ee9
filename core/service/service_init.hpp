#pragma once
// `beaver init`: a first beaver.yaml for a Java project, its pipeline detected from the files at
// its root (pom.xml, build.gradle, src/), its configuration files from src/main/conf/.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "error/error.hpp"

namespace beaver {

struct InitOptions {
  std::optional<std::string> service;   // default: the folder's name
  std::string team;                     // required
  std::optional<std::string> pipeline;  // default: detected
  bool force = false;                   // replace an existing beaver.yaml
  // The environments the commented skeleton names (the policy's); none: test and prod.
  std::vector<std::string> environments{};
};

struct InitResult {
  std::filesystem::path file;     // the beaver.yaml written
  std::vector<std::string> conf;  // the files of src/main/conf/ it lists in package.conf
};

// Writes `dir`/beaver.yaml and says what it wrote: the detected pipeline's jar, the files under
// src/main/conf/ as package.conf (each goes into the package's conf/ folder), and a commented
// skeleton of `environments` to fill in. Refuses an existing file (unless `force`), a folder
// where no pipeline or several pipelines match (name one with `pipeline`), names that do not fit
// the strict pattern, and conf files the package could not hold as they are (a name beaver.yaml
// does not allow, or two files of one name in different folders), naming the file.
Result<InitResult> init_service(const std::filesystem::path& dir, const InitOptions& options,
                                const std::filesystem::path& data_dir);

}  // namespace beaver
