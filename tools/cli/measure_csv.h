#pragma once
// The CSV files `psc measures import` reads (and `psc measures list --output csv` writes):
// a header row naming the columns, in any order, then one data point per line.
//
//   measure      required: the measure's id in the initiative
//   site         required: the site's id (e.g. an ODS code, lowercase)
//   period       required: YYYY-MM (the month's first day) or YYYY-MM-DD
//   value        a number; or instead:
//   numerator, denominator   numbers, for rates and proportions
//   annotation   optional text, e.g. "new bundle launched"
//   site_name    optional: the site's name
//   rebase       optional: true/false (yes/no, 1/0): the process changed here
//
// Lines starting with # and empty lines are skipped. Parsing uses libcsv (Debian's
// libcsv-dev) one line at a time: RFC 4180 quoting, no multi-line cells.

#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "psc/registry/v1/measure.pb.h"

namespace psc::cli {

inline constexpr const char* kMeasureCsvColumns[] = {"measure",    "site",      "period",
                                                     "value",      "numerator", "denominator",
                                                     "annotation", "site_name", "rebase"};

struct CsvMeasurement {
  int line = 0;  // 1-based line of the file
  registry::v1::Measurement measurement;
};

struct MeasureCsv {
  std::vector<CsvMeasurement> rows;  // in file order
  std::vector<std::string> rejects;  // "FILE:LINE: why", in file order
};

// The rows of `in`, or INVALID_ARGUMENT when the header lacks a required column or names an
// unknown one. A line that does not parse (a missing column, a period or number that is not
// one) is a reject, not an error; so is a second point for the same measure, site and period.
absl::StatusOr<MeasureCsv> ParseMeasureCsv(std::istream& in, const std::string& file_name);

// A date as the CSV writes it: YYYY-MM-DD.
std::string PeriodText(const registry::v1::Date& date);

// YYYY-MM (the month's first day) or YYYY-MM-DD as a date; INVALID_ARGUMENT naming `what`
// (a column or flag) otherwise.
absl::StatusOr<registry::v1::Date> ParsePeriod(const std::string& what, const std::string& text);

}  // namespace psc::cli
