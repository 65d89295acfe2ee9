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

// The top of an axis of ratios up to `largest`: the smallest of 2, 5, 10, 20, 25, 40, 50, 60,
// 80 and 100 % not below it, so that 15 % fills most of the chart rather than lying flat on a
// 0..100 % axis.
double ratio_axis_top(double largest);

// A line through each series' values (fractions, one per label; a value that is NaN leaves a gap)
// on an axis from 0 to ratio_axis_top() of the largest, in percent, with a legend when there is
// more than one series. The first series is drawn thicker: the whole, the others its parts.
std::string ratio_lines_chart(std::string_view title, const std::vector<std::string>& labels,
                              const std::vector<ChartSeries>& series);

// One horizontal bar per label.
std::string bar_chart(std::string_view title, const std::vector<std::string>& labels,
                      const std::vector<double>& values);

// A grid of cells shaded by value: rows × columns, `values[row][column]`.
std::string heat_map(std::string_view title, const std::vector<std::string>& rows,
                     const std::vector<std::string>& columns,
                     const std::vector<std::vector<double>>& values);

}  // namespace beaver
