#pragma once
// The package archive: a deterministic .tar.gz (sorted entries, fixed owners, modes and times, no
// gzip timestamp), so the same inputs always give the same bytes, with the SHA-256 of every file
// and of the archive itself.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "clock/clock.hpp"
#include "error/error.hpp"

namespace beaver {

struct ArchiveEntry {
  enum class Kind { file, directory };
  Kind kind = Kind::file;
  std::string path;              // inside the archive, relative, '/'-separated: "lib/app.jar"
  std::filesystem::path source;  // a file's bytes come from here...
  std::string content;           // ...or from here when `source` is empty
  unsigned mode = 0644;          // 0755 for the launcher and directories
  bool compress = true;          // false for data that is already compressed (jars, zips)
};

struct ArchivedFile {
  std::string path;
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
};

struct ArchiveResult {
  std::string sha256;  // of the .tar.gz
  uint64_t size = 0;   // of the .tar.gz
};

// The SHA-256 and size of every file entry (directories are skipped), in the entries' order.
// A missing or unreadable source is bad_input naming it.
Result<std::vector<ArchivedFile>> hash_entries(const std::vector<ArchiveEntry>& entries);

// The SHA-256 of one file, lowercase hex.
Result<std::string> sha256_file(const std::filesystem::path& file);

// Writes `entries` as a .tar.gz at `out` (through a temporary file renamed into place, so a
// failure leaves no partial archive). Entries are written sorted by path; every entry gets
// `mtime`, uid/gid 0, owner "root"; paths must be relative without "." or ".." parts (else
// bad_input). Two calls with the same entries and the same file contents give identical bytes.
Result<ArchiveResult> write_archive(std::vector<ArchiveEntry> entries,
                                    const std::filesystem::path& out, Timestamp mtime);

}  // namespace beaver
