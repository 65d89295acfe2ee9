#pragma once
// Terminal escape sequences taken out of a stream of text, for logs that people read in an editor
// or a browser: a build tool's colours and cursor moves would show there as "^[[1;31m" noise.

#include <string>
#include <string_view>

namespace beaver {

// Removes ANSI escape sequences from text that arrives in chunks: CSI (ESC '[' ... final byte,
// colours and cursor moves), OSC (ESC ']' ... BEL or ESC '\', window titles and links), the other
// string sequences (DCS, SOS, PM, APC, ended by ESC '\'), and the short ESC sequences (ESC and one
// or a few bytes, like ESC '(' 'B'). A sequence split across chunks is removed whole; everything
// else, newlines and UTF-8 included, passes through unchanged.
class EscapeStripper {
 public:
  // The text of `chunk` without the escape sequences in it, or in what is left of one that an
  // earlier chunk began.
  std::string strip(std::string_view chunk);

 private:
  enum class State { text, escape, intermediate, csi, string, string_escape };
  State state_ = State::text;
};

// The whole of `text` without its escape sequences.
std::string strip_escapes(std::string_view text);

}  // namespace beaver
