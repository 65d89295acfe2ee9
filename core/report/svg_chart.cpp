#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace beaver {
namespace {

constexpr int kWidth = 760;
constexpr int kLeft = 48, kRight = 16, kTop = 32, kBottom = 56;

std::string open_svg(std::string_view title, int width, int height) {
  return fmt::format(
      "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"{2}\">\n<title>{2}</title>\n"
      "<text x=\"{3}\" y=\"18\" class=\"chart-title\">{2}</text>\n",
      width, height, html_escape(title), kLeft);
}

// Up to `most` labels along an axis, evenly spaced, so long periods stay readable.
bool shows_label(size_t i, size_t count, size_t most) {
  size_t step = (count + most - 1) / most;
  return step <= 1 || i % step == 0;
}

std::string number(double v) {
  return std::abs(v - std::round(v)) < 1e-9 ? fmt::format("{}", std::llround(v))
                                            : fmt::format("{:.2f}", v);
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string stacked_bar_chart(std::string_view title, const std::vector<std::string>& labels,
                              const std::vector<ChartSeries>& series) {
  const int height = 300, plot_h = height - kTop - kBottom, plot_w = kWidth - kLeft - kRight;
  double top = 1;
  for (size_t i = 0; i < labels.size(); ++i) {
    double sum = 0;
    for (const auto& s : series) sum += i < s.values.size() ? s.values[i] : 0;
    top = std::max(top, sum);
  }
  std::string out = open_svg(title, kWidth, height);
  out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text>\n",
                     kLeft - 4, kTop + 4, number(top));
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" class=\"axis-line\"/>\n",
                     kLeft, kTop + plot_h, kLeft + plot_w);
  double slot = labels.empty() ? plot_w : static_cast<double>(plot_w) / labels.size();
  for (size_t i = 0; i < labels.size(); ++i) {
    double x = kLeft + slot * i, y = kTop + plot_h;
    for (const auto& s : series) {
      double v = i < s.values.size() ? s.values[i] : 0;
      double h = v / top * plot_h;
      if (h <= 0) continue;
      y -= h;
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
          "<title>{} {}: {}</title></rect>\n",
          x + slot * 0.1, y, slot * 0.8, h, s.color, html_escape(labels[i]), html_escape(s.name),
          number(v));
    }
    if (shows_label(i, labels.size(), 12))
      out += fmt::format(
          "<text x=\"{:.1f}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text>\n",
          x + slot / 2, kTop + plot_h + 16, html_escape(labels[i]));
  }
  for (size_t s = 0; s < series.size(); ++s)
    out += fmt::format(
        "<rect x=\"{0}\" y=\"{1}\" width=\"10\" height=\"10\" fill=\"{2}\"/>"
        "<text x=\"{3}\" y=\"{4}\" class=\"legend\">{5}</text>\n",
        kLeft + static_cast<int>(s) * 120, height - 18, series[s].color,
        kLeft + static_cast<int>(s) * 120 + 14, height - 9, html_escape(series[s].name));
  return out + "</svg>\n";
}

double ratio_axis_top(double largest) {
  for (double top : {0.02, 0.05, 0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.8})
    if (largest <= top + 1e-12) return top;
  return 1.0;
}

std::string ratio_lines_chart(std::string_view title, const std::vector<std::string>& labels,
                              const std::vector<ChartSeries>& series) {
  const int legend = series.size() > 1 ? 18 * static_cast<int>((series.size() + 3) / 4) : 0;
  const int height = 240 + legend, plot_h = 240 - kTop - kBottom + 24,
            plot_w = kWidth - kLeft - kRight;
  double largest = 0;
  for (const auto& s : series)
    for (double v : s.values)
      if (!std::isnan(v)) largest = std::max(largest, v);
  double top = ratio_axis_top(largest);
  std::string out = open_svg(title, kWidth, height);
  for (double share : {0.0, 0.5, 1.0}) {
    double y = kTop + plot_h * (1 - share);
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" class=\"grid\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" class=\"axis\" text-anchor=\"end\">{5}%</text>\n",
        kLeft, y, kLeft + plot_w, kLeft - 4, y + 4, number(top * share * 100));
  }
  double slot = labels.empty() ? plot_w : static_cast<double>(plot_w) / labels.size();
  for (size_t i = 0; i < labels.size(); ++i)
    if (shows_label(i, labels.size(), 12))
      out += fmt::format(
          "<text x=\"{:.1f}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text>\n",
          kLeft + slot * (i + 0.5), kTop + plot_h + 16, html_escape(labels[i]));
  for (size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    std::string points;
    auto flush = [&] {
      if (!points.empty())
        out += fmt::format(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>\n", points,
            s.color, k == 0 ? 3 : 1.5);
      points.clear();
    };
    for (size_t i = 0; i < s.values.size() && i < labels.size(); ++i) {
      double v = s.values[i];
      if (std::isnan(v)) {
        flush();
        continue;
      }
      double x = kLeft + slot * (i + 0.5), y = kTop + plot_h * (1 - std::clamp(v / top, 0.0, 1.0));
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", x, y);
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"><title>{} {}: {:.1f}%</title>"
          "</circle>\n",
          x, y, k == 0 ? 3 : 2, s.color, html_escape(s.name), html_escape(labels[i]), v * 100);
    }
    flush();
  }
  if (series.size() > 1)
    for (size_t k = 0; k < series.size(); ++k) {
      int x = kLeft + static_cast<int>(k % 4) * 170, y = 238 + 18 * static_cast<int>(k / 4);
      out += fmt::format(
          "<rect x=\"{0}\" y=\"{1}\" width=\"10\" height=\"10\" fill=\"{2}\"/>"
          "<text x=\"{3}\" y=\"{4}\" class=\"legend\">{5}</text>\n",
          x, y - 9, series[k].color, x + 14, y, html_escape(series[k].name));
    }
  return out + "</svg>\n";
}

std::string bar_chart(std::string_view title, const std::vector<std::string>& labels,
                      const std::vector<double>& values) {
  const int row = 24, label_w = 160;
  const int height = kTop + row * static_cast<int>(std::max<size_t>(labels.size(), 1)) + 16;
  const int plot_w = kWidth - label_w - kRight - 60;
  double top = 1;
  for (double v : values) top = std::max(top, v);
  std::string out = open_svg(title, kWidth, height);
  if (labels.empty())
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">none</text>\n", kLeft, kTop + 16);
  for (size_t i = 0; i < labels.size() && i < values.size(); ++i) {
    int y = kTop + row * static_cast<int>(i);
    double w = values[i] / top * plot_w;
    out += fmt::format(
        "<text x=\"{0}\" y=\"{1}\" class=\"axis\" text-anchor=\"end\">{2}</text>"
        "<rect x=\"{3}\" y=\"{4}\" width=\"{5:.1f}\" height=\"{6}\" class=\"bar\">"
        "<title>{2}: {7}</title></rect>"
        "<text x=\"{8:.1f}\" y=\"{1}\" class=\"axis\">{7}</text>\n",
        label_w - 6, y + 15, html_escape(labels[i]), label_w, y + 3, w, row - 6, number(values[i]),
        label_w + w + 6);
  }
  return out + "</svg>\n";
}

std::string heat_map(std::string_view title, const std::vector<std::string>& rows,
                     const std::vector<std::string>& columns,
                     const std::vector<std::vector<double>>& values) {
  const int cell = 26, left = 56;
  const int width = left + cell * static_cast<int>(columns.size()) + kRight;
  const int height = kTop + 18 + cell * static_cast<int>(rows.size()) + 8;
  double top = 0;
  for (const auto& r : values)
    for (double v : r) top = std::max(top, v);
  std::string out = open_svg(title, width, height);
  for (size_t c = 0; c < columns.size(); ++c)
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text>\n",
                       left + cell * static_cast<int>(c) + cell / 2, kTop + 10,
                       html_escape(columns[c]));
  for (size_t r = 0; r < rows.size(); ++r) {
    int y = kTop + 18 + cell * static_cast<int>(r);
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text>\n",
                       left - 6, y + cell / 2 + 4, html_escape(rows[r]));
    for (size_t c = 0; c < columns.size(); ++c) {
      double v = r < values.size() && c < values[r].size() ? values[r][c] : 0;
      double shade = top > 0 ? v / top : 0;
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"cell\" "
          "fill-opacity=\"{:.3f}\"><title>{} {}: {}</title></rect>\n",
          left + cell * static_cast<int>(c), y, cell - 2, cell - 2, 0.05 + 0.95 * shade,
          html_escape(rows[r]), html_escape(columns[c]), number(v));
    }
  }
  return out + "</svg>\n";
}

}  // namespace beaver
