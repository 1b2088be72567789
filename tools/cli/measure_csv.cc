#include "tools/cli/measure_csv.h"

#include <csv.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

constexpr int kColumns = 9;
// kMeasureCsvColumns starts with the ones every file needs: measure, site, period.
constexpr int kRequiredColumns = 3;
// One CSV record per line, through libcsv in strict mode: RFC 4180 quoting (a quoted field
// cannot span lines), spaces and tabs around unquoted fields trimmed.
class CsvLineParser {
 public:
  CsvLineParser() { csv_init(&parser_, kOptions); }
  ~CsvLineParser() { csv_free(&parser_); }
  CsvLineParser(const CsvLineParser&) = delete;
  CsvLineParser& operator=(const CsvLineParser&) = delete;

  // The cells of `line`, or INVALID_ARGUMENT when its quoting is malformed.
  absl::StatusOr<std::vector<std::string>> Parse(const std::string& line) {
    std::vector<std::string> cells;
    const bool parsed =
        csv_parse(&parser_, line.data(), line.size(), &AddCell, nullptr, &cells) == line.size();
    const bool finished = parsed && csv_fini(&parser_, &AddCell, nullptr, &cells) == 0;
    if (!finished) {
      // An error sticks to the parser: start the next line with a fresh one.
      csv_free(&parser_);
      csv_init(&parser_, kOptions);
      return absl::InvalidArgumentError(
          "malformed quoting (a quoted cell must end on its line, and \" inside one is "
          "written \"\")");
    }
    return cells;
  }

 private:
  static constexpr unsigned char kOptions = CSV_STRICT | CSV_STRICT_FINI;

  static void AddCell(void* cell, size_t size, void* cells) {
    static_cast<std::vector<std::string>*>(cells)->emplace_back(static_cast<char*>(cell), size);
  }

  csv_parser parser_;
};

// Fills `cell_of` (a kMeasureCsvColumns index -> its cell in a row) from the header's cells;
// INVALID_ARGUMENT for an unknown or repeated column or a missing required one.
absl::Status MapHeader(const std::vector<std::string>& header, int (&cell_of)[kColumns]) {
  for (size_t cell = 0; cell < header.size(); ++cell) {
    const auto* column =
        std::find(std::begin(kMeasureCsvColumns), std::end(kMeasureCsvColumns), header[cell]);
    if (column == std::end(kMeasureCsvColumns)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the header names an unknown column \"", header[cell],
                       "\" (known: ", absl::StrJoin(kMeasureCsvColumns, ", "), ")"));
    }
    int& slot = cell_of[column - std::begin(kMeasureCsvColumns)];
    if (slot >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the header names \"", header[cell], "\" twice"));
    }
    slot = static_cast<int>(cell);
  }
  for (int required = 0; required < kRequiredColumns; ++required) {
    if (cell_of[required] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the header has no \"", kMeasureCsvColumns[required], "\" column"));
    }
  }
  return absl::OkStatus();
}

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
  CsvLineParser parser;
  // kMeasureCsvColumns index -> the cell holding it, or -1 when the header lacks it
  int cell_of[kColumns];
  std::fill(std::begin(cell_of), std::end(cell_of), -1);
  size_t header_size = 0;
  // measure, site, period -> the line that gave it first
  std::map<std::tuple<std::string, std::string, int>, int> seen;
  std::string text;
  std::string cells[kColumns];
  for (int line = 1; std::getline(in, text); ++line) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text[0] == '#') continue;
    const auto where = [&] { return absl::StrCat(file_name, ":", line, ": "); };
    auto row = parser.Parse(text);
    if (header_size == 0) {
      if (!row.ok())
        return absl::InvalidArgumentError(absl::StrCat(where(), row.status().message()));
      auto mapped = MapHeader(*row, cell_of);
      if (!mapped.ok()) return absl::InvalidArgumentError(absl::StrCat(where(), mapped.message()));
      header_size = row->size();
      continue;
    }
    if (!row.ok()) {
      out.rejects.push_back(absl::StrCat(where(), row.status().message()));
      continue;
    }
    if (row->size() != header_size) {
      out.rejects.push_back(
          absl::StrCat(where(), row->size(), " columns, but the header has ", header_size));
      continue;
    }
    for (int c = 0; c < kColumns; ++c) {
      cells[c] = cell_of[c] < 0 ? std::string() : std::move((*row)[cell_of[c]]);
    }
    auto parsed = ParseRow(cells);
    if (!parsed.ok()) {
      out.rejects.push_back(absl::StrCat(where(), parsed.status().message()));
      continue;
    }
    const v1::Date& p = parsed->point().period();
    auto [it, fresh] = seen.try_emplace(
        {parsed->measure(), parsed->site(), p.year() * 10000 + p.month() * 100 + p.day()}, line);
    if (!fresh) {
      out.rejects.push_back(absl::StrCat(where(), parsed->measure(), " at ", parsed->site(),
                                         " for ", PeriodText(p), " is given already on line ",
                                         it->second));
      continue;
    }
    out.rows.push_back({line, *std::move(parsed)});
  }
  if (header_size == 0) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": the file has no header row"));
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
