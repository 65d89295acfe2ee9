#include "package/package_store.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace beaver {

namespace fs = std::filesystem;

fs::path stored_package(const fs::path& home, const std::string& sha256) {
  return home / "packages" / (sha256 + ".tar.gz");
}

Result<void> keep_package(const fs::path& home, const fs::path& file, const std::string& sha256) {
  fs::path target = stored_package(home, sha256);
  std::error_code ec;
  if (fs::exists(target, ec)) return {};
  fs::create_directories(target.parent_path(), ec);
  if (ec)
    return fail(ErrorKind::internal, "cannot create {}: {}", target.parent_path().string(),
                ec.message());
  fs::path part = target;
  part += fmt::format(".{}.part", getpid());
  fs::copy_file(file, part, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(part, target, ec);
  if (ec) {
    fs::remove(part, ec);
    return fail(ErrorKind::internal, "cannot keep {} in {}: {}", file.string(),
                target.parent_path().string(), ec.message());
  }
  return {};
}

}  // namespace beaver
