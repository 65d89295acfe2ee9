#pragma once
// Charts drawn as inline SVG text for self-contained HTML pages: no script, no external
// reference. Every label is escaped; numbers are formatted here.

#include <string>
#include <string_view>
#include <vector>

namespace beaver {

// `text` with &, <, >, " and ' replaced by entities: safe in HTML text and attribute values.
std::string html_escape(std::string_view text);

struct ChartSeries {
  std::string name;
  std::string color;           // a CSS colour such as "#4e79a7"; not escaped, so never from input
  std::vector<double> values;  // one per label
};

// Bars along the labels, each stacked from its series' values, with a legend.
std::string stacked_bar_chart(std::string_view title, const std::vector<std::string>& labels,
                              const std::vector<ChartSeries>& series);

// A line through `values` (one per label) on a 0..1 axis shown as percentages.
std::string ratio_line_chart(std::string_view title, const std::vector<std::string>& labels,
                             const std::vector<double>& values);

// One horizontal bar per label.
std::string bar_chart(std::string_view title, const std::vector<std::string>& labels,
                      const std::vector<double>& values);

// A grid of cells shaded by value: rows × columns, `values[row][column]`.
std::string heat_map(std::string_view title, const std::vector<std::string>& rows,
                     const std::vector<std::string>& columns,
                     const std::vector<std::vector<double>>& values);

}  // namespace beaver
