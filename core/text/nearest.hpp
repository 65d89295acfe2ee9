#pragma once
// "Did you mean": the known names nearest to one that was mistyped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace beaver {

// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, letters compared without
// regard to case.
size_t edit_distance(std::string_view a, std::string_view b);

// The names of `known` within a small edit distance of `word` (at most two edits, and fewer than
// a third of its letters), nearest first, at most `most`; none when `word` is one of them.
std::vector<std::string> nearest_names(std::string_view word, const std::vector<std::string>& known,
                                       size_t most = 3);

// "did you mean 'a'?" or "did you mean 'a' or 'b'?"; empty for no names.
std::string did_you_mean(const std::vector<std::string>& names);

}  // namespace beaver
