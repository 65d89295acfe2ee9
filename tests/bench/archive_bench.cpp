// Packs a folder the way a release does (hash every file, then write the archive) for
// tests/bench/package_archive.sh. usage: beaver_bench_archive <folder> <out.tar.gz>

#include <fmt/format.h>

#include <filesystem>

#include "package/archive.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: beaver_bench_archive <folder> <out.tar.gz>\n");
    return 2;
  }
  const fs::path root = argv[1];
  std::vector<beaver::ArchiveEntry> entries;
  for (const auto& item : fs::recursive_directory_iterator(root)) {
    beaver::ArchiveEntry entry;
    entry.path = item.path().lexically_relative(root).generic_string();
    if (item.is_directory()) {
      entry.kind = beaver::ArchiveEntry::Kind::directory;
      entry.mode = 0755;
    } else {
      entry.source = item.path();
      auto ext = item.path().extension();
      entry.compress = ext != ".jar" && ext != ".zip";
      bool executable = (item.status().permissions() & fs::perms::owner_exec) != fs::perms::none;
      entry.mode = executable ? 0755 : 0644;
    }
    entries.push_back(std::move(entry));
  }
  auto files = beaver::hash_entries(entries);
  if (!files) {
    fmt::print(stderr, "beaver_bench_archive: {}\n", files.error().message);
    return 1;
  }
  auto archive = beaver::write_archive(std::move(entries), argv[2],
                                       beaver::Timestamp{std::chrono::seconds{1704164645}});
  if (!archive) {
    fmt::print(stderr, "beaver_bench_archive: {}\n", archive.error().message);
    return 1;
  }
  fmt::print("{} files, archive {} bytes, sha256 {}\n", files->size(), archive->size,
             archive->sha256);
}
