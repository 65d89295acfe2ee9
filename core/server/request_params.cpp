#include "server/request_params.hpp"

#include <algorithm>
#include <charconv>

#include "model/names.hpp"

namespace beaver {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

Result<int64_t> id_param(const std::string& text, std::string_view what) {
  // In a path, what is no id names nothing there is.
  auto id = parse_id(what, text);
  if (!id) return fail(ErrorKind::not_found, "no {} '{}' (ids are positive numbers)", what, text);
  return id;
}

std::optional<std::string> query_param(const HttpRequest& r, const std::string& key) {
  auto found = r.query.find(key);
  if (found == r.query.end()) return std::nullopt;
  return found->second;
}

Result<void> only_parameters(const HttpRequest& r, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : r.query)
    if (std::find(known.begin(), known.end(), key) == known.end())
      return fail(ErrorKind::bad_input, "unknown parameter '{}'", key);
  return {};
}

}  // namespace beaver
