#include "command_help.hpp"

namespace beaver::cli {
namespace {

constexpr size_t kColumns = 80;

void wrap_paragraph(std::string_view paragraph, std::string& out) {
  size_t column = 0;
  size_t start = 0;
  while (start < paragraph.size()) {
    size_t end = paragraph.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = paragraph.size();
    std::string_view word = paragraph.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (column > 0 && column + 1 + word.size() > kColumns) {
      out += '\n';
      column = 0;
    } else if (column > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
  }
}

}  // namespace

std::string wrapped(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string_view::npos) end = text.size();
    if (!out.empty()) out += "\n\n";
    wrap_paragraph(text.substr(start, end - start), out);
    start = end + 2;
  }
  return out;
}

std::string examples_section(std::initializer_list<std::string_view> examples) {
  std::string out = examples.size() == 1 ? "Example:" : "Examples:";
  for (auto example : examples) {
    out += "\n  ";
    for (char c : example) out += c == '\n' ? std::string("\n    ") : std::string(1, c);
  }
  return out;
}

void add_help(CLI::App& cmd, std::string_view details,
              std::initializer_list<std::string_view> examples) {
  std::string footer = details.empty() ? "" : wrapped(details) + "\n\n";
  cmd.footer(footer + examples_section(examples));
}

}  // namespace beaver::cli
