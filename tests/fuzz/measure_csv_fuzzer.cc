// libFuzzer target: a CSV file given to `psc measures import`, as a person or a spreadsheet
// might write it. Must never crash, hang or leak; rejects are fine. Every row it accepts has a
// real period and finite numbers, and no two rows share a measure, site and period.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "tools/cli/measure_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto csv = psc::cli::ParseMeasureCsv(in, "fuzz.csv");
  if (!csv.ok()) return 0;
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const psc::cli::CsvMeasurement& row : csv->rows) {
    const auto& m = row.measurement;
    const auto& p = m.point();
    if (p.period().month() < 1 || p.period().month() > 12 || p.period().day() < 1) abort();
    for (double x : {p.value(), p.numerator(), p.denominator()}) {
      if (!std::isfinite(x)) abort();
    }
    if (!seen.insert({m.measure(), m.site(), psc::cli::PeriodText(p.period())}).second) abort();
  }
  return 0;
}
