#pragma once
// `psc measures chart` for a terminal: the chart's headline (what the icons mean, in words),
// each segment's mean and limits, and a row per point with its place between the limits, its
// type and the rules it is part of. Also the chart as CSV rows.

#include <ostream>
#include <string>
#include <vector>

#include "psc/registry/v1/measure.pb.h"

namespace psc::cli {

// The text chart of `chart` (as GetMeasureChart returns it).
void PrintChartText(const registry::v1::MeasureChart& chart, std::ostream& out);

// The chart as CSV: a header, then per point period, value, segment mean and limits, type,
// rules and annotation.
void PrintChartCsv(const registry::v1::MeasureChart& chart, std::ostream& out);

// The icons in words, e.g. "special cause improvement (low)".
std::string VariationText(registry::v1::VariationIcon icon);
std::string AssuranceText(const registry::v1::MeasureChart& chart);

}  // namespace psc::cli
