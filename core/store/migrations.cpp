#include "store/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace beaver {
namespace fs = std::filesystem;

Result<std::vector<Migration>> load_migrations(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(ErrorKind::internal,
                "cannot find the schema migrations in {} (set BEAVER_DATA_DIR to beaver's data "
                "folder)",
                dir.string());
  std::vector<Migration> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    int version = 0;
    auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), version);
    if (err != std::errc{} || end != name.data() + 4 || name[4] != '_' || version <= 0)
      return fail(ErrorKind::internal, "migration {} is not named NNNN_what.sql",
                  entry.path().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream sql;
    sql << in.rdbuf();
    if (!in) return fail(ErrorKind::internal, "cannot read migration {}", entry.path().string());
    out.push_back({version, entry.path(), sql.str()});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  // Numbers may skip one: branches reserve numbers for migrations that land in another order
  // (0004 is the tokens' while 0005 is the notifications'). Two files with one number are an error.
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].version == out[i - 1].version)
      return fail(ErrorKind::internal, "migrations {} and {} in {} have one number",
                  out[i - 1].file.filename().string(), out[i].file.filename().string(),
                  dir.string());
  if (out.empty()) return fail(ErrorKind::internal, "no migrations in {}", dir.string());
  return out;
}

}  // namespace beaver
