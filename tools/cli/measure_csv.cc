#include "tools/cli/measure_csv.h"

#include <libfccp/csv.h>

#include <cmath>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

constexpr int kColumns = 9;
using Reader = io::CSVReader<kColumns, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>,
                             io::throw_on_overflow, io::single_line_comment<'#'>>;

// Sets `set` to the number in `text`, when there is one.
absl::Status ParseNumber(const char* column, const std::string& text,
                         void (v1::MeasurePoint::*set)(double), v1::MeasurePoint* point) {
  if (text.empty()) return absl::OkStatus();
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError(absl::StrCat(column, " \"", text, "\" is not a number"));
  }
  (point->*set)(value);
  return absl::OkStatus();
}

absl::StatusOr<v1::Measurement> ParseRow(const std::string (&cells)[kColumns]) {
  const auto& [measure, site, period, value, numerator, denominator, annotation, site_name,
               rebase] = cells;
  v1::Measurement m;
  if (measure.empty()) return absl::InvalidArgumentError("measure is empty");
  if (site.empty()) return absl::InvalidArgumentError("site is empty");
  m.set_measure(measure);
  m.set_site(site);
  m.set_site_name(site_name);
  v1::MeasurePoint* point = m.mutable_point();
  auto parsed_period = ParsePeriod("period", period);
  if (!parsed_period.ok()) return parsed_period.status();
  *point->mutable_period() = *parsed_period;
  for (absl::Status s :
       {ParseNumber("value", value, &v1::MeasurePoint::set_value, point),
        ParseNumber("numerator", numerator, &v1::MeasurePoint::set_numerator, point),
        ParseNumber("denominator", denominator, &v1::MeasurePoint::set_denominator, point)}) {
    if (!s.ok()) return s;
  }
  point->set_annotation(annotation);
  bool rebased = false;
  if (!rebase.empty() && !absl::SimpleAtob(rebase, &rebased)) {
    return absl::InvalidArgumentError(absl::StrCat("rebase \"", rebase, "\" is not true or false"));
  }
  point->set_rebase(rebased);
  return m;
}

}  // namespace

absl::StatusOr<MeasureCsv> ParseMeasureCsv(std::istream& in, const std::string& file_name) {
  MeasureCsv out;
  try {
    Reader reader(file_name, in);
    const auto& c = kMeasureCsvColumns;
    reader.read_header(io::ignore_missing_column, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
                       c[8]);
    for (const char* required : {"measure", "site", "period"}) {
      if (!reader.has_column(required)) {
        return absl::InvalidArgumentError(
            absl::StrCat(file_name, ": the header has no \"", required, "\" column"));
      }
    }
    // measure, site, period -> the line that gave it first
    std::map<std::tuple<std::string, std::string, int>, int> seen;
    std::string cells[kColumns];
    while (true) {
      try {
        if (!reader.read_row(cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6],
                             cells[7], cells[8])) {
          break;
        }
      } catch (const io::error::base& e) {
        out.rejects.push_back(absl::StrCat(file_name, ":", reader.get_file_line(), ": ", e.what()));
        continue;
      }
      const int line = static_cast<int>(reader.get_file_line());
      auto parsed = ParseRow(cells);
      if (!parsed.ok()) {
        out.rejects.push_back(absl::StrCat(file_name, ":", line, ": ", parsed.status().message()));
        continue;
      }
      const v1::Date& p = parsed->point().period();
      auto [it, fresh] = seen.try_emplace(
          {parsed->measure(), parsed->site(), p.year() * 10000 + p.month() * 100 + p.day()}, line);
      if (!fresh) {
        out.rejects.push_back(absl::StrCat(file_name, ":", line, ": ", parsed->measure(), " at ",
                                           parsed->site(), " for ", PeriodText(p),
                                           " is given already on line ", it->second));
        continue;
      }
      out.rows.push_back({line, *std::move(parsed)});
    }
  } catch (const io::error::base& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return out;
}

absl::StatusOr<v1::Date> ParsePeriod(const std::string& what, const std::string& text) {
  absl::CivilDay day;
  absl::CivilMonth month;
  if (absl::ParseCivilTime(text, &month)) {
    day = absl::CivilDay(month);
  } else if (!absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", text, "\" is not YYYY-MM or YYYY-MM-DD"));
  }
  v1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::string PeriodText(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

}  // namespace psc::cli
