#include "paths/paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace beaver {
namespace fs = std::filesystem;

fs::path data_dir() {
  if (const char* env = std::getenv("BEAVER_DATA_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "beaver";
    if (fs::exists(installed / "schemas", ec)) return installed;
  }
  return BEAVER_SOURCE_DATA_DIR;
}

Result<fs::path> beaver_home() {
  if (const char* env = std::getenv("BEAVER_HOME"); env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    const passwd* pw = getpwuid(getuid());
    if (pw == nullptr)
      return fail(ErrorKind::bad_input, "cannot tell the home folder: set BEAVER_HOME");
    home = pw->pw_dir;
  }
  return fs::path(home) / ".beaver";
}

}  // namespace beaver
