#include "tools/cli/measures_command.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/cli/command_support.h"
#include "tools/cli/field_text.h"
#include "tools/cli/measure_chart_text.h"
#include "tools/cli/measure_csv.h"
#include "tools/cli/output.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

constexpr int kMaxBatch = 1000;

struct ImportFlags {
  std::string initiative, file, reporting_collaborative;
  int batch_size = kMaxBatch;
};

struct ListFlags {
  std::string initiative, measure, site, from, to;
};

struct ChartFlags {
  std::string initiative, measure, site;
  std::vector<std::string> rebase;
  bool screen = false, ignore_stored_rebases = false;
  int fix_after = 0;
  int min_points = 0;
};

// The line of a violation's "measurements[k]..." field in `batch`, or 0.
int LineOfField(const std::string& field, const std::vector<CsvMeasurement>& batch) {
  constexpr absl::string_view kPrefix = "measurements[";
  if (!absl::StartsWith(field, kPrefix)) return 0;
  const size_t close = field.find(']');
  int k = 0;
  if (close == std::string::npos ||
      !absl::SimpleAtoi(field.substr(kPrefix.size(), close - kPrefix.size()), &k) || k < 0 ||
      k >= static_cast<int>(batch.size())) {
    return 0;
  }
  return batch[k].line;
}

// Prints each of the server's violations against the line it came from.
void ReportRefusedBatch(Context& ctx, const std::string& file, const absl::Status& status,
                        const std::vector<CsvMeasurement>& batch) {
  const client::ErrorDetails details = client::GetErrorDetails(status);
  for (const auto& v : details.field_violations) {
    const int line = LineOfField(v.field, batch);
    if (line == 0) {  // not one point's: the batch's, e.g. reporting_collaborative
      ctx.err << file << ": " << v.field << ": " << v.description << "\n";
      continue;
    }
    // "measurements[3].point.value" -> "point.value"; "measurements[3]" -> "".
    std::string field = v.field.substr(v.field.find(']') + 1);
    if (!field.empty()) field = field.substr(1) + ": ";
    ctx.err << file << ":" << line << ": " << field << v.description << "\n";
  }
  if (details.field_violations.empty()) ReportError(status, ctx.err);
}

absl::Status Import(Context& ctx, const ImportFlags& flags) {
  if (flags.batch_size < 1 || flags.batch_size > kMaxBatch) {
    return absl::InvalidArgumentError("--batch-size must be 1..1000");
  }
  std::ifstream in(flags.file);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", flags.file));
  auto csv = ParseMeasureCsv(in, flags.file);
  if (!csv.ok()) return csv.status();
  for (const std::string& reject : csv->rejects) ctx.err << reject << "\n";
  if (!csv->rejects.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(csv->rejects.size(),
                     " lines could not be read; nothing was sent (fix them and import "
                     "again)"));
  }
  // The server wants each series' periods in order within a batch.
  std::vector<CsvMeasurement>& rows = csv->rows;
  auto key = [](const CsvMeasurement& r) {
    const v1::Date& p = r.measurement.point().period();
    return std::make_tuple(r.measurement.measure(), r.measurement.site(), p.year(), p.month(),
                           p.day());
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const CsvMeasurement& a, const CsvMeasurement& b) {
    return key(a) < key(b);
  });
  const std::string initiative = ExpandName("initiatives", flags.initiative);
  int added = 0, replaced = 0, unchanged = 0;
  size_t sent = 0;
  while (sent < rows.size()) {
    const size_t n = std::min(rows.size() - sent, static_cast<size_t>(flags.batch_size));
    std::vector<CsvMeasurement> batch(rows.begin() + sent, rows.begin() + sent + n);
    v1::BatchUpsertMeasurementsRequest request;
    request.set_parent(initiative);
    request.set_reporting_collaborative(
        flags.reporting_collaborative.empty()
            ? ""
            : ExpandName("collaboratives", flags.reporting_collaborative));
    for (const CsvMeasurement& r : batch) *request.add_measurements() = r.measurement;
    auto written = ctx.Client().BatchUpsertMeasurements(request);
    if (!written.ok()) {
      ReportRefusedBatch(ctx, flags.file, written.status(), batch);
      if (sent > 0) {
        ctx.err << "measures import: the " << sent
                << " points before these were written; importing the file again once fixed "
                   "leaves them unchanged\n";
      }
      return written.status();
    }
    added += written->added();
    replaced += written->replaced();
    unchanged += written->unchanged();
    sent += n;
    if (rows.size() > static_cast<size_t>(flags.batch_size)) {
      ctx.err << "measures import: " << sent << "/" << rows.size() << " points\n";
    }
  }
  ctx.err << "measures import: " << added << " added, " << replaced << " replaced, " << unchanged
          << " unchanged\n";
  return absl::OkStatus();
}

std::string Optional(bool has, double value) { return has ? absl::StrCat(value) : ""; }

absl::Status List(Context& ctx, const ListFlags& flags) {
  v1::ListMeasurementsRequest request;
  request.set_parent(ExpandName("initiatives", flags.initiative));
  request.set_measure(flags.measure);
  request.set_site(flags.site);
  if (!flags.from.empty()) {
    auto from = ParsePeriod("--from", flags.from);
    if (!from.ok()) return from.status();
    *request.mutable_from_period() = *from;
  }
  if (!flags.to.empty()) {
    auto to = ParsePeriod("--to", flags.to);
    if (!to.ok()) return to.status();
    *request.mutable_to_period() = *to;
  }
  const OutputFormat format = ctx.format();
  std::vector<std::vector<std::string>> rows;
  do {
    auto page = ctx.Client().ListMeasurements(request);
    if (!page.ok()) return page.status();
    for (const v1::MeasureSeries& s : page->series()) {
      if (format == OutputFormat::kJson) {
        ctx.out << ToJsonLine(s) << "\n";
        continue;
      }
      for (const v1::MeasurePoint& p : s.points()) {
        std::vector<std::string> row = {s.measure(),
                                        s.site(),
                                        PeriodText(p.period()),
                                        Optional(p.has_value(), p.value()),
                                        Optional(p.has_numerator(), p.numerator()),
                                        Optional(p.has_denominator(), p.denominator()),
                                        p.annotation()};
        if (format == OutputFormat::kCsv) {
          row.push_back(s.site_name());
          row.push_back(p.rebase() ? "true" : "");
        } else {
          row.insert(row.begin() + 6, absl::StrCat(p.chart_value()));
          row.push_back(p.rebase() ? "rebase" : "");
        }
        rows.push_back(std::move(row));
      }
    }
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  if (format == OutputFormat::kCsv) {
    PrintCells(
        std::vector<std::string>(std::begin(kMeasureCsvColumns), std::end(kMeasureCsvColumns)),
        rows, ctx.out, OutputFormat::kCsv);
  } else if (format == OutputFormat::kTable) {
    PrintCells({"MEASURE", "SITE", "PERIOD", "VALUE", "NUMERATOR", "DENOMINATOR", "CHARTED",
                "ANNOTATION", "REBASE"},
               rows, ctx.out);
  }
  return absl::OkStatus();
}

absl::Status Chart(Context& ctx, const ChartFlags& flags) {
  v1::GetMeasureChartRequest request;
  request.set_parent(ExpandName("initiatives", flags.initiative));
  request.set_measure(flags.measure);
  request.set_site(flags.site);
  request.set_screen_moving_ranges(flags.screen);
  request.set_fix_after_points(flags.fix_after);
  request.set_min_points_for_limits(flags.min_points);
  request.set_ignore_stored_rebases(flags.ignore_stored_rebases);
  for (const std::string& r : flags.rebase) {
    auto period = ParsePeriod("--rebase", r);
    if (!period.ok()) return period.status();
    *request.add_rebase_periods() = *period;
  }
  auto chart = ctx.Client().GetMeasureChart(request);
  if (!chart.ok()) return chart.status();
  switch (ctx.format()) {
    case OutputFormat::kJson:
      ctx.out << ToJsonLine(*chart) << "\n";
      break;
    case OutputFormat::kCsv:
      PrintChartCsv(*chart, ctx.out);
      break;
    case OutputFormat::kTable:
      PrintChartText(*chart, ctx.out);
      break;
  }
  return absl::OkStatus();
}

void AddImport(CLI::App& measures, Context& ctx) {
  auto* cmd = measures.add_subcommand(
      "import", "Add or replace an initiative's measure data from a CSV file, idempotently");
  auto flags = std::make_shared<ImportFlags>();
  cmd->add_option("initiative", flags->initiative, "The initiative (id or name)")->required();
  cmd->add_option("file", flags->file, "The CSV file")->required();
  cmd->add_option("--reporting-collaborative", flags->reporting_collaborative,
                  "Admins: the collaborative new sites are reported by (default: the lead)");
  cmd->add_option("--batch-size", flags->batch_size, "Points per request (1..1000)")
      ->default_val(kMaxBatch);
  cmd->footer(
      "The file has a header row naming its columns, in any order:\n"
      "  measure      required: the measure's id in the initiative\n"
      "  site         required: the site's id, e.g. an ODS code in lowercase (\"ref\")\n"
      "  period       required: YYYY-MM (the month) or YYYY-MM-DD (e.g. a week's Monday)\n"
      "  value        a number; or, for rates and proportions:\n"
      "  numerator, denominator   numbers (the chart shows numerator / denominator x the\n"
      "               measure's rate_multiplier, e.g. 100 for a percentage)\n"
      "  annotation   optional, e.g. \"new bundle launched\"\n"
      "  site_name    optional: the site's name\n"
      "  rebase       optional: true where the process changed (a new mean and limits)\n"
      "Lines starting with # are comments. A line that cannot be read is reported with its\n"
      "number and nothing is sent. The points go in batches of up to 1000, each all or\n"
      "nothing; a refused batch is reported line by line. A point already there is left\n"
      "unchanged, so importing a file again is safe.\n\n"
      "Example:\n  psc measures import huddles falls.csv\n"
      "  psc measures list huddles --output csv > falls.csv   (the same columns)");
  cmd->callback([&ctx, flags] { Run(ctx, [&] { return Import(ctx, *flags); }); });
}

void AddList(CLI::App& measures, Context& ctx) {
  auto* cmd = measures.add_subcommand("list", "An initiative's measure data, by measure and site");
  auto flags = std::make_shared<ListFlags>();
  cmd->add_option("initiative", flags->initiative, "The initiative (id or name)")->required();
  cmd->add_option("--measure", flags->measure, "One measure's data (its id)");
  cmd->add_option("--site", flags->site, "One site's data (its id)");
  cmd->add_option("--from", flags->from, "Points from this period (YYYY-MM or YYYY-MM-DD)");
  cmd->add_option("--to", flags->to, "Points up to this period");
  cmd->footer(
      "Examples:\n  psc measures list huddles\n  psc measures list huddles --measure falls "
      "--site ref --from 2024-01\n  psc measures list huddles --output csv > data.csv   "
      "(importable)\n  psc measures list huddles --output json   (a series per line)");
  cmd->callback([&ctx, flags] { Run(ctx, [&] { return List(ctx, *flags); }); });
}

void AddChart(CLI::App& measures, Context& ctx) {
  auto* cmd = measures.add_subcommand(
      "chart", "A measure's SPC chart by NHS England's Making Data Count rules");
  auto flags = std::make_shared<ChartFlags>();
  cmd->add_option("initiative", flags->initiative, "The initiative (id or name)")->required();
  cmd->add_option("measure", flags->measure, "The measure's id")->required();
  cmd->add_option("--site", flags->site,
                  "One site (default: every site combined per period, where the measure's "
                  "sites combine)");
  cmd->add_option("--rebase", flags->rebase,
                  "Start a new mean and limits at this period (repeatable), besides the points "
                  "marked rebase");
  cmd->add_flag("--ignore-stored-rebases", flags->ignore_stored_rebases,
                "Ignore the rebase marks stored with the data");
  cmd->add_flag("--screen", flags->screen,
                "Leave moving ranges of 3.267 x the mean moving range or more out of the limits");
  cmd->add_option("--fix-after", flags->fix_after,
                  "Compute each segment's limits from its first N points (N >= 2)");
  cmd->add_option("--min-points", flags->min_points,
                  "Segments of fewer points have trial limits (default 13, the NHS-R "
                  "reference's; Making Data Count's guidance is 15)");
  cmd->footer(
      "Shows the variation icon (what the latest point says) and the assurance icon (whether\n"
      "the target will be met), each segment's mean and process limits, and a row per point\n"
      "marked common cause (o), improvement (+), concern (!) or neutral (^ v), with the rule\n"
      "that labels it, first of: outside the limits, a trend (7 or more each higher, or each\n"
      "lower: its direction decides), 2 of 3 beyond two thirds of the way to a limit, a shift\n"
      "(7 or more on one side of the mean); then any other rules it is part of. Segments of\n"
      "fewer than 13 points (--min-points) have trial limits. docs/measures.md has the rules.\n\n"
      "Examples:\n  psc measures chart huddles falls --site ref\n"
      "  psc measures chart huddles falls --rebase 2024-04 --output csv");
  cmd->callback([&ctx, flags] { Run(ctx, [&] { return Chart(ctx, *flags); }); });
}

}  // namespace

void AddMeasuresCommands(CLI::App& app, Context& ctx) {
  auto* measures =
      app.add_subcommand("measures", "Measure data and SPC charts of an initiative's measures");
  measures->require_subcommand(1);
  AddImport(*measures, ctx);
  AddList(*measures, ctx);
  AddChart(*measures, ctx);
}

}  // namespace psc::cli
