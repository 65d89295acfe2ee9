#pragma once
// A body sent in chunks (Transfer-Encoding: chunked), decoded as its bytes arrive in pieces of
// any size, as the remote CLI's and curl's streamed bodies come. Bounded: a chunk's size line and
// the trailer are short; chunk extensions and trailer fields are read and dropped.

#include <cstdint>
#include <string>
#include <string_view>

namespace beaver {

class ChunkedBody {
 public:
  enum class State { more, done, malformed };

  struct Step {
    State state = State::more;
    std::string_view data;  // body bytes taken from the input, if any (a view into it)
  };

  // Takes from the front of `input` the next piece: framing (dropped), or body bytes (returned).
  // Call again while the state is `more` and `input` is not empty; once `done`, what is left of
  // `input` is the next request's.
  Step read(std::string_view& input);

 private:
  enum class Part { size_line, data, data_end, trailer, done };
  // A size line's length at most (with extensions), and the trailer's.
  static constexpr size_t kMaxLine = 4096;
  static constexpr size_t kMaxTrailer = 8192;

  Step line_ended(std::string_view line);

  Part part_ = Part::size_line;
  std::string line_;
  uint64_t left_ = 0;  // of the current chunk's data
  size_t trailer_ = 0;
};

}  // namespace beaver
