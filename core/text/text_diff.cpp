#include "text/text_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <dtl/dtl.hpp>
#include <sstream>
#include <vector>

namespace beaver {
namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

std::optional<std::string> text_diff(std::string_view before, std::string_view after,
                                     size_t most_lines) {
  if (before == after) return std::string();
  auto a = lines_of(before), b = lines_of(after);
  // The diff's time grows with the lines times the lines changed; past this, it is not drawn.
  if (a.size() + b.size() > kMostDiffLines) return std::nullopt;
  dtl::Diff<std::string> diff(a, b);
  // Configuration files are small; should one not be, the diff stays bounded in memory.
  diff.onHuge();
  diff.compose();
  diff.composeUnifiedHunks();
  std::ostringstream printed;
  diff.printUnifiedFormat(printed);
  std::string all = printed.str();
  // An empty side starts at line 0, as diff -u writes it; dtl counts it from 1.
  if (before.empty() && all.starts_with("@@ -1,0 ")) all.replace(3, 4, "-0,0");
  if (after.empty())
    if (size_t plus = all.find(" +1,0 @@"); plus != std::string::npos && plus < all.find('\n'))
      all.replace(plus + 1, 4, "+0,0");
  size_t lines = 0, at = 0;
  while (at < all.size() && lines < most_lines) {
    at = all.find('\n', at);
    at = at == std::string::npos ? all.size() : at + 1;
    ++lines;
  }
  if (at >= all.size()) return all;
  size_t more =
      static_cast<size_t>(std::count(all.begin() + static_cast<long>(at), all.end(), '\n'));
  return all.substr(0, at) + fmt::format("... {} more lines\n", more);
}

}  // namespace beaver
