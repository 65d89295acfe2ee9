#pragma once
// Reading a package archive back: every member checked before anything is trusted, so a package
// that would write outside its folder (an absolute path, a ".." part, a link, a device), that
// GNU tar would read otherwise than beaver (a pax global header, a sparse file, a name given
// twice), or that would cost more than its limits (declared sizes, unpacked size, member count)
// is refused whole, whoever made it.

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
  std::string sha256;  // a file's content, lowercase hex, when ArchiveLimits::hash_files
};

// What reading one archive may cost, whatever its headers say. The defaults are
// `beaver serve`'s; a Java service's package holds tens to hundreds of files.
struct ArchiveLimits {
  uint64_t max_unpacked = uint64_t{2048} << 20;  // the files' sizes together
  size_t max_members = 20000;
  uint64_t max_content = 1 << 20;  // a file handed to the visitor with its bytes
  bool hash_files = false;
};

// A pax extended header is read into memory: never more than this.
inline constexpr uint64_t kMaxPaxHeader = 64 << 10;

// Called for each file member with its content; members larger than `max_content` are listed
// with an empty content.
using ArchiveVisitor = std::function<void(const ArchiveMember&, const std::string& content)>;

// Reads the .tar.gz at `file` (ustar with pax path and size records, as write_archive makes, or
// GNU tar's), checking every member. Returns the members in archive order. Errors are bad_input
// and begin with `label` (what the user calls the file, never a path of the server's own), then
// name the member and why it is refused.
Result<std::vector<ArchiveMember>> read_archive(const std::filesystem::path& file,
                                                const std::string& label,
                                                const ArchiveVisitor& visit = {},
                                                const ArchiveLimits& limits = {});

// The content of one small file member (MANIFEST.json, beaver.yaml), or not_found.
Result<std::string> read_archive_file(const std::filesystem::path& file, const std::string& path);

}  // namespace beaver
