#pragma once
// What changed in a text file, as people read it in review tools: unified diff hunks ("@@ -3,4
// +3,4 @@", then lines marked ' ', '-' and '+', three lines of context).

#include <optional>
#include <string>
#include <string_view>

namespace beaver {

// The most lines the two texts of a diff may have together: a diff takes time in proportion to
// the lines times the lines that differ, and it is drawn when a release is read.
inline constexpr size_t kMostDiffLines = 4000;

// The hunks turning `before` into `after`, each line ending in '\n'; at most `most_lines` lines,
// then one saying how many more there are. Empty when the texts are the same; none when they
// have more than kMostDiffLines lines together.
std::optional<std::string> text_diff(std::string_view before, std::string_view after,
                                     size_t most_lines = 200);

}  // namespace beaver
