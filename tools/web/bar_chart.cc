#include "tools/web/bar_chart.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace psc::web {
namespace {

// The SVG's coordinates (its viewBox is 640 wide): labels right-aligned before kBarX, bars up
// to kBarWidth long, each row kRowHeight tall.
constexpr double kBarX = 230, kBarWidth = 340, kRowHeight = 26, kBarHeight = 18;

std::string Number(double value) { return absl::StrFormat("%.1f", value); }

}  // namespace

Data BarChart(const std::string& id, const std::string& title, const std::string& label_heading,
              const std::string& value_heading, const std::vector<Bar>& bars, double max) {
  if (max <= 0) {
    for (const Bar& bar : bars) max = std::max(max, bar.value);
  }
  List rows;
  for (size_t i = 0; i < bars.size(); ++i) {
    const double y = 4 + i * kRowHeight;
    const double width = max > 0 ? std::max(0.0, bars[i].value) / max * kBarWidth : 0;
    Data row;
    row.set("label", bars[i].label);
    row.set("shown", bars[i].shown);
    row.set("y", Number(y));
    row.set("text_y", Number(y + kBarHeight - 4));
    row.set("width", Number(width));
    row.set("value_x", Number(kBarX + width + 6));
    rows.push_back(row);
  }
  Data chart;
  chart.set("chart_id", id);
  chart.set("chart_title", title);
  chart.set("label_heading", label_heading);
  chart.set("value_heading", value_heading);
  chart.set("height", Number(8 + bars.size() * kRowHeight));
  chart.set("label_x", Number(kBarX - 8));
  chart.set("bar_x", Number(kBarX));
  chart.set("bar_height", Number(kBarHeight));
  chart.set("bars", rows);
  return chart;
}

}  // namespace psc::web
