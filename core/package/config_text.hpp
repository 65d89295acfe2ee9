#pragma once
// The configuration files of a package as text, recorded in its MANIFEST.json ("config":
// [{path, text}]) so that what a release changes in them can be shown beside it wherever the
// ledger is read, without the package file at hand.

#include <string>
#include <string_view>
#include <vector>

#include "error/error.hpp"
#include "package/archive.hpp"

namespace beaver {

struct ConfigText {
  std::string path;  // in the package: "conf/application.properties", "beaver.yaml"
  std::string text;
};

inline constexpr size_t kMostConfigFile = 64 << 10;
inline constexpr size_t kMostConfigTexts = 256 << 10;

// Whether a package member is a configuration file: under conf/, or the package's beaver.yaml.
bool is_config_path(std::string_view path);

// Of `entries`, the configuration files that are UTF-8 text without NUL, at most kMostConfigFile
// each, in their order, while their total stays within kMostConfigTexts. The others are left
// out: a release then says only that they changed.
Result<std::vector<ConfigText>> config_texts(const std::vector<ArchiveEntry>& entries);

}  // namespace beaver
