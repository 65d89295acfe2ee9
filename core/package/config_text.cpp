#include "package/config_text.hpp"

#include <filesystem>

#include "model/names.hpp"
#include "schema/yaml_file.hpp"

namespace beaver {

bool is_config_path(std::string_view path) {
  return path == "beaver.yaml" || (path.starts_with("conf/") && path.size() > 5);
}

Result<std::vector<ConfigText>> config_texts(const std::vector<ArchiveEntry>& entries) {
  std::vector<ConfigText> out;
  size_t total = 0;
  for (const auto& e : entries) {
    if (e.kind != ArchiveEntry::Kind::file || !is_config_path(e.path)) continue;
    std::string text = e.content;
    if (!e.source.empty()) {
      std::error_code ec;
      auto size = std::filesystem::file_size(e.source, ec);
      if (ec || size > kMostConfigFile) continue;
      auto read = read_small_file(e.source, "package.conf", kMostConfigFile);
      if (!read) return std::unexpected(read.error());
      text = std::move(*read);
    }
    if (text.size() > kMostConfigFile || text.find('\0') != std::string::npos ||
        !valid_utf8(text) || total + text.size() > kMostConfigTexts)
      continue;
    total += text.size();
    out.push_back({e.path, std::move(text)});
  }
  return out;
}

}  // namespace beaver
