#include "text/nearest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace beaver {

size_t edit_distance(std::string_view a, std::string_view b) {
  auto same = [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  };
  // Three rows of the optimal string alignment table: a swap looks two rows back.
  std::vector<size_t> before(b.size() + 1), last(b.size() + 1), row(b.size() + 1);
  std::iota(last.begin(), last.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      row[j] =
          std::min({last[j] + 1, row[j - 1] + 1, last[j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, last);
    std::swap(last, row);
  }
  return last[b.size()];
}

std::vector<std::string> nearest_names(std::string_view word, const std::vector<std::string>& known,
                                       size_t most) {
  size_t limit = std::min<size_t>(2, std::max<size_t>(1, word.size() / 3));
  std::vector<std::pair<size_t, std::string>> near;
  for (const auto& name : known) {
    if (name == word) return {};
    // A word much shorter or longer than a name is further than `limit` anyway.
    size_t gap = name.size() > word.size() ? name.size() - word.size() : word.size() - name.size();
    if (gap > limit) continue;
    if (size_t d = edit_distance(word, name); d <= limit) near.emplace_back(d, name);
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& [d, name] : near) {
    if (out.size() == most) break;
    out.push_back(std::move(name));
  }
  return out;
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string text = "did you mean ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += "'" + names[i] + "'";
  }
  return text + "?";
}

}  // namespace beaver
