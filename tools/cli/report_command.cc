#include "tools/cli/report_command.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/cli/command_support.h"
#include "tools/cli/field_text.h"
#include "tools/cli/measure_csv.h"
#include "tools/cli/output.h"
#include "tools/cli/spread_report_text.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

std::string Percent(double share, int64_t part) {
  return absl::StrFormat("%.0f%% (%d)", share * 100, part);
}

std::string Counts(const google::protobuf::RepeatedPtrField<v1::Count>& counts) {
  std::vector<std::string> parts;
  for (const v1::Count& c : counts) parts.push_back(absl::StrCat(c.key(), " ", c.count()));
  return absl::StrJoin(parts, ", ");
}

// The figures of one scope, one cell per column; shares as percentages for people, as
// fractions in CSV.
std::vector<std::string> Row(const v1::ReportFigures& f, bool csv) {
  auto share = [&](double s, int64_t n) {
    return csv ? absl::StrFormat("%.4f", s) : Percent(s, n);
  };
  std::vector<std::string> row = {
      f.scope(),
      absl::StrCat(f.initiatives()),
      absl::StrCat(f.national_workstream_initiatives()),
      absl::StrCat(f.local_initiatives()),
      share(f.multi_psc_share(), f.multi_psc_initiatives()),
      share(f.measurement_plan_completeness(), f.complete_measurement_plans()),
      absl::StrCat(f.join_requests_made()),
      absl::StrCat(f.join_requests_approved()),
      absl::StrCat(f.expert_days_given()),
      absl::StrCat(f.expert_days_received()),
      absl::StrCat(f.expert_days_delivered_given()),
      absl::StrCat(f.expert_days_delivered_received()),
      absl::StrCat(f.case_studies_published()),
      absl::StrCat(f.adopted_from_another_psc())};
  if (csv) {
    for (const v1::Count& c : f.by_workstream()) row.push_back(absl::StrCat(c.count()));
    for (const v1::Count& c : f.by_status()) row.push_back(absl::StrCat(c.count()));
  }
  return row;
}

std::vector<std::string> Headers(const v1::ReportFigures& f, bool csv) {
  std::vector<std::string> headers = {
      "SCOPE",           "INITIATIVES",        "NATIONAL",       "LOCAL",      "MULTI-PSC",
      "PLAN COMPLETE",   "JOINS ASKED",        "JOINS APPROVED", "DAYS GIVEN", "DAYS RECEIVED",
      "DELIVERED GIVEN", "DELIVERED RECEIVED", "CASE STUDIES",   "ADOPTED"};
  if (csv) {
    headers[4] = "MULTI-PSC SHARE";
    headers[5] = "PLAN COMPLETE SHARE";
    for (const v1::Count& c : f.by_workstream()) headers.push_back("WORKSTREAM " + c.key());
    for (const v1::Count& c : f.by_status()) headers.push_back("STATUS " + c.key());
  }
  return headers;
}

void Print(const v1::NetworkReport& report, Context& ctx) {
  const bool csv = ctx.format() == OutputFormat::kCsv;
  const v1::ReportFigures& f = report.figures();
  std::vector<std::vector<std::string>> rows = {Row(f, csv)};
  for (const v1::ReportFigures& c : report.by_collaborative()) rows.push_back(Row(c, csv));
  if (csv) {
    PrintCells(Headers(f, true), rows, ctx.out, OutputFormat::kCsv);
    return;
  }
  ctx.out << "Report: " << f.scope() << " (as of change " << report.sequence() << ")\n"
          << "  initiatives            " << f.initiatives() << ": national workstreams "
          << f.national_workstream_initiatives() << ", local " << f.local_initiatives() << "\n"
          << "  by workstream          " << Counts(f.by_workstream()) << "\n"
          << "  by status              " << Counts(f.by_status()) << "\n"
          << "  with more than one PSC " << Percent(f.multi_psc_share(), f.multi_psc_initiatives())
          << "\n"
          << "  complete measurement   "
          << Percent(f.measurement_plan_completeness(), f.complete_measurement_plans()) << "\n"
          << "  join requests          " << f.join_requests_made() << " made, "
          << f.join_requests_approved() << " approved\n"
          << "  expert days shared     " << f.expert_days_given() << " given, "
          << f.expert_days_received() << " received (delivered: " << f.expert_days_delivered_given()
          << " given, " << f.expert_days_delivered_received() << " received)\n"
          << "  case studies published " << f.case_studies_published() << "\n"
          << "  adopted from another PSC " << f.adopted_from_another_psc() << "\n";
  if (report.by_collaborative_size() > 0) {
    ctx.out << "\n";
    PrintCells(Headers(f, false), rows, ctx.out);
  }
}

struct SpreadFlags {
  std::string as_of;
  int stale_months = 3;
};

CLI::App* AddSpreadCommand(CLI::App& report, Context& ctx) {
  auto* cmd = report.add_subcommand(
      "spread", "Spread candidates: initiatives improving at two or more sites, with evidence");
  auto flags = std::make_shared<SpreadFlags>();
  cmd->add_option("--as-of", flags->as_of, "The report's day, YYYY-MM-DD (default: today)");
  cmd->add_option("--stale-months", flags->stale_months,
                  "Data older than this many months counts as stopped (1..36)")
      ->default_val(3);
  cmd->footer(
      "An initiative is a candidate when an outcome measure shows special cause improvement\n"
      "at two or more sites: each site charted against its baseline (the points before its\n"
      "first rebase, or all of them), the latest point improvement. Ranked by sites improving,\n"
      "then the median shift (as a fraction of the baseline's distance to its limit), then how\n"
      "long it has held. Also lists ACTIVE and SPREADING initiatives with a complete plan but no\n"
      "recent data, and the share of active initiatives with data, per workstream.\n\n"
      "Examples:\n  psc report spread\n  psc report spread --as-of 2025-01-15 --output csv");
  cmd->callback([&ctx, flags] {
    Run(ctx, [&]() -> absl::Status {
      v1::GetSpreadReportRequest request;
      if (!flags->as_of.empty()) {
        auto as_of = ParsePeriod("--as-of", flags->as_of);
        if (!as_of.ok()) return as_of.status();
        *request.mutable_as_of() = *as_of;
      }
      request.set_stale_months(flags->stale_months);
      auto report = ctx.Client().GetSpreadReport(request);
      if (!report.ok()) return report.status();
      switch (ctx.format()) {
        case OutputFormat::kJson:
          ctx.out << ToJsonLine(*report) << "\n";
          break;
        case OutputFormat::kCsv:
          PrintSpreadReportCsv(*report, ctx.out);
          break;
        case OutputFormat::kTable:
          PrintSpreadReportText(*report, ctx.out);
          break;
      }
      return absl::OkStatus();
    });
  });
  return cmd;
}

}  // namespace

void AddReportCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "report", "The oversight report: national with a row per PSC, or one collaborative's");
  auto collaborative = std::make_shared<std::string>();
  cmd->add_option("--collaborative", *collaborative, "One collaborative's figures (id or name)");
  cmd->footer(
      "Examples:\n  psc report\n  psc report --collaborative wessex\n"
      "  psc report --output csv > report.csv\n  psc report --output json");
  CLI::App* spread = AddSpreadCommand(*cmd, ctx);
  cmd->callback([&ctx, collaborative, spread] {
    if (spread->parsed()) return;
    Run(ctx, [&]() -> absl::Status {
      const std::string name =
          collaborative->empty() ? "" : ExpandName("collaboratives", *collaborative);
      auto report = ctx.Client().GetNetworkReport(name);
      if (!report.ok()) return report.status();
      if (ctx.format() == OutputFormat::kJson) {
        ctx.out << ToJsonLine(*report) << "\n";
      } else {
        Print(*report, ctx);
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace psc::cli
