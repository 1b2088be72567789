#pragma once
// Horizontal bar charts drawn on the server as SVG (templates/_chart), each with its data as a
// table for screen readers and for anyone who prefers numbers.

#include <string>
#include <vector>

#include "tools/web/templates.h"

namespace psc::web {

struct Bar {
  std::string label;
  double value = 0;
  std::string shown;  // how the value reads, e.g. "42%" or "12"
};

// A chart's template data: chart_id, chart_title, label_heading, value_heading, height, bars
// [{label, shown, y, text_y, width, value_x}]. Bars scale to `max` (the largest value when 0).
Data BarChart(const std::string& id, const std::string& title, const std::string& label_heading,
              const std::string& value_heading, const std::vector<Bar>& bars, double max = 0);

}  // namespace psc::web
