#include "text/escape_stripper.hpp"

namespace beaver {
namespace {

constexpr char kEscape = '\x1b';
constexpr char kBell = '\x07';

}  // namespace

std::string EscapeStripper::strip(std::string_view chunk) {
  std::string out;
  out.reserve(chunk.size());
  for (char c : chunk) {
    const auto u = static_cast<unsigned char>(c);
    switch (state_) {
      case State::text:
        if (c == kEscape)
          state_ = State::escape;
        else
          out += c;
        break;
      case State::escape:
        if (c == '[')
          state_ = State::csi;
        else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
          state_ = State::string;
        else if (u >= 0x20 && u <= 0x2f)  // ESC ( B and the like: intermediates, then a final
          state_ = State::intermediate;
        else if (c == kEscape)
          state_ = State::escape;
        else if (u >= 0x30 && u <= 0x7e)
          state_ = State::text;  // a two-byte sequence (ESC 7, ESC =, ESC c, ...)
        else {
          state_ = State::text;  // a lone ESC: the byte after it is text
          out += c;
        }
        break;
      case State::intermediate:
        if (u > 0x2f) {
          state_ = State::text;
          if (u > 0x7e) out += c;
        } else if (u < 0x20) {
          out += c;  // a terminal acts on a control byte inside a sequence, and so do logs
        }
        break;
      case State::csi:
        // Parameters and intermediates (0x20-0x3f) until a final byte (0x40-0x7e).
        if (u >= 0x40 && u <= 0x7e) {
          state_ = State::text;
        } else if (u > 0x7e) {
          state_ = State::text;  // not a sequence after all
          out += c;
        } else if (u < 0x20) {
          out += c;
        }
        break;
      case State::string:
        if (c == kBell)
          state_ = State::text;
        else if (c == kEscape)
          state_ = State::string_escape;
        break;
      case State::string_escape:
        state_ = c == '\\' ? State::text : State::string;
        break;
    }
  }
  return out;
}

std::string strip_escapes(std::string_view text) { return EscapeStripper().strip(text); }

}  // namespace beaver
