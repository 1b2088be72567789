#pragma once
// `psc report spread`: the spread candidates with each site's evidence, the complete plans
// without recent data and the data coverage, for a terminal; or the candidates as CSV.

#include <ostream>

#include "psc/registry/v1/measure.pb.h"

namespace psc::cli {

void PrintSpreadReportText(const registry::v1::SpreadReport& report, std::ostream& out);
// One row per candidate site.
void PrintSpreadReportCsv(const registry::v1::SpreadReport& report, std::ostream& out);

}  // namespace psc::cli
