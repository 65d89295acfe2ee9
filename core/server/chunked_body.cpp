#include "server/chunked_body.hpp"

#include <charconv>

namespace beaver {

ChunkedBody::Step ChunkedBody::read(std::string_view& input) {
  switch (part_) {
    case Part::done:
      return {State::done, {}};
    case Part::data: {
      auto n = static_cast<size_t>(std::min<uint64_t>(left_, input.size()));
      Step step{State::more, input.substr(0, n)};
      input.remove_prefix(n);
      left_ -= n;
      if (left_ == 0) part_ = Part::data_end;
      return step;
    }
    case Part::size_line:
    case Part::data_end:
    case Part::trailer: {
      auto newline = input.find('\n');
      auto piece = input.substr(0, newline);
      if (line_.size() + piece.size() > kMaxLine) return {State::malformed, {}};
      line_ += piece;
      if (newline == std::string_view::npos) {
        input = {};
        return {State::more, {}};
      }
      input.remove_prefix(newline + 1);
      std::string line = std::move(line_);
      line_.clear();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line_ended(line);
    }
  }
  return {State::malformed, {}};
}

ChunkedBody::Step ChunkedBody::line_ended(std::string_view line) {
  switch (part_) {
    case Part::size_line: {
      auto size = line.substr(0, line.find_first_of("; \t"));
      uint64_t n = 0;
      auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), n, 16);
      if (size.empty() || size.size() > 15 || ec != std::errc{} || end != size.data() + size.size())
        return {State::malformed, {}};
      left_ = n;
      part_ = n == 0 ? Part::trailer : Part::data;
      return {State::more, {}};
    }
    case Part::data_end:
      if (!line.empty()) return {State::malformed, {}};
      part_ = Part::size_line;
      return {State::more, {}};
    case Part::trailer:
      if (line.empty()) {
        part_ = Part::done;
        return {State::done, {}};
      }
      trailer_ += line.size();
      if (trailer_ > kMaxTrailer) return {State::malformed, {}};
      return {State::more, {}};
    case Part::data:
    case Part::done:
      break;
  }
  return {State::malformed, {}};
}

}  // namespace beaver
