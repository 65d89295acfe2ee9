#pragma once
// Reading a package archive back: every member checked before anything is trusted, so a package
// that would write outside its folder (an absolute path, a ".." part, a link, a device) is refused
// whole, whoever made it.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "error/error.hpp"

namespace beaver {

struct ArchiveMember {
  enum class Kind { file, directory };
  Kind kind = Kind::file;
  std::string path;  // relative, '/'-separated, no trailing '/'
  uint64_t size = 0;
  unsigned mode = 0;
};

// Called for each file member with its content; members larger than `max_content` are listed
// with an empty content.
using ArchiveVisitor = std::function<void(const ArchiveMember&, const std::string& content)>;

// Reads the .tar.gz at `file` (ustar with pax path and size records, as write_archive makes, or
// GNU tar's), checking every member. Returns the members in archive order; a member of any other
// kind, or whose path is absolute, empty, or holds "." or ".." parts, is bad_input naming it.
Result<std::vector<ArchiveMember>> read_archive(const std::filesystem::path& file,
                                                const ArchiveVisitor& visit = {},
                                                uint64_t max_content = 1 << 20);

// The content of one small file member (MANIFEST.json, beaver.yaml), or not_found.
Result<std::string> read_archive_file(const std::filesystem::path& file, const std::string& path);

}  // namespace beaver
