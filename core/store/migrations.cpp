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
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].version != static_cast<int>(i) + 1)
      return fail(ErrorKind::internal, "migrations in {} are not numbered 1, 2, 3, ... ({})",
                  dir.string(), out[i].file.filename().string());
  if (out.empty()) return fail(ErrorKind::internal, "no migrations in {}", dir.string());
  return out;
}

}  // namespace beaver
