#pragma once
// What changed in a text file, as people read it in review tools: unified diff hunks ("@@ -3,4
// +3,4 @@", then lines marked ' ', '-' and '+', three lines of context).

#include <string>
#include <string_view>

namespace beaver {

// The hunks turning `before` into `after`, each line ending in '\n'; at most `most_lines` lines,
// then one saying how many more there are. Empty when the texts are the same.
std::string text_diff(std::string_view before, std::string_view after, size_t most_lines = 200);

}  // namespace beaver
