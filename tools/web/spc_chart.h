#pragma once
// An initiative measure's SPC chart (statistical process control, as pscd computes it: mean and
// process limits per segment, each point's special-cause type) drawn on the server as SVG in the
// NHS Making Data Count style (improvement blue, concern orange, neutral purple, common cause
// grey), with its variation and assurance icons and its points as a table for screen readers.

#include <string>

#include "psc/registry/v1/measure.pb.h"
#include "tools/web/templates.h"

namespace psc::web {

// The template data of templates/_spc for `chart` (which has at least one point): chart_id,
// title, unit, the SVG's lines, points and axis labels, the two icons, and the table rows.
Data SpcChart(const registry::v1::MeasureChart& chart, const std::string& id);

}  // namespace psc::web
