#include "tools/cli/spread_report_text.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "psc/registry/v1/display_name.h"
#include "tools/cli/measure_csv.h"
#include "tools/cli/output.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

std::string Number(double x) { return absl::StrFormat("%.3g", x); }

std::string SiteLine(const v1::SiteEvidence& s) {
  std::string line = absl::StrCat(s.site(), s.site_name().empty() ? "" : " ", s.site_name(), ": ",
                                  Number(s.baseline_mean()), " -> ", Number(s.recent_mean()));
  if (s.improving()) {
    absl::StrAppend(&line, " (shift ", Number(s.shift()), "), improving since ",
                    PeriodText(s.since()), " (", s.points_held(), " points)");
  } else {
    absl::StrAppend(&line, ", not improving (latest ", PeriodText(s.latest_period()), ")");
  }
  return line;
}

}  // namespace

void PrintSpreadReportText(const v1::SpreadReport& r, std::ostream& out) {
  out << "Spread candidates as of " << PeriodText(r.as_of()) << " (change " << r.sequence()
      << "): special cause improvement on an outcome measure at two or more sites\n";
  if (r.candidates().empty()) out << "  none yet\n";
  for (const v1::SpreadCandidate& c : r.candidates()) {
    out << absl::StrFormat("%2d. %s  \"%s\" (%s, %s)\n", c.rank(), c.initiative(), c.title(),
                           c.lead_collaborative(), v1::DisplayLabel(c.workstream()))
        << "    " << c.measure_name() << " (" << c.measure() << "): " << c.sites_improving()
        << " of " << c.sites_reporting() << " sites improving, median shift "
        << Number(c.median_shift()) << " x the baseline's mean-to-limit distance, held "
        << c.median_points_held() << " points\n";
    for (const v1::SiteEvidence& s : c.sites()) out << "      " << SiteLine(s) << "\n";
  }
  if (!r.candidates().empty()) {
    out << "\nBy workstream:\n";
    std::map<std::string, std::vector<std::string>> by_workstream;
    for (const v1::SpreadCandidate& c : r.candidates()) {
      by_workstream[v1::DisplayLabel(c.workstream())].push_back(
          absl::StrCat(c.rank(), ". ", c.initiative()));
    }
    for (const auto& [workstream, ranked] : by_workstream) {
      out << "  " << workstream << ": " << absl::StrJoin(ranked, ", ") << "\n";
    }
  }
  out << "\nActive initiatives with data (ACTIVE or SPREADING):\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::DataCoverage& c : r.coverage()) {
    // "national", or a workstream by its name: in words.
    const auto* workstream = v1::Workstream_descriptor()->FindValueByName(c.scope());
    rows.push_back({workstream != nullptr ? v1::DisplayLabel(workstream) : c.scope(),
                    absl::StrCat(c.active_initiatives()), absl::StrCat(c.active_with_data()),
                    absl::StrFormat("%.0f%%", c.share_with_data() * 100),
                    absl::StrCat(c.spread_candidates())});
  }
  PrintCells({"SCOPE", "ACTIVE", "WITH DATA", "SHARE", "CANDIDATES"}, rows, out);
  out << "\nComplete measurement plans without data in the last " << r.stale_months()
      << " months:\n";
  if (r.without_recent_data().empty()) out << "  none\n";
  for (const v1::InitiativeWithoutRecentData& w : r.without_recent_data()) {
    out << "  " << w.initiative() << "  \"" << w.title() << "\" (" << w.lead_collaborative()
        << "): "
        << (w.has_latest_period() ? absl::StrCat("latest ", PeriodText(w.latest_period()))
                                  : std::string("no data"))
        << "\n";
  }
}

void PrintSpreadReportCsv(const v1::SpreadReport& r, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::SpreadCandidate& c : r.candidates()) {
    for (const v1::SiteEvidence& s : c.sites()) {
      rows.push_back({absl::StrCat(c.rank()), c.initiative(), v1::Workstream_Name(c.workstream()),
                      c.measure(), absl::StrCat(c.sites_improving()), s.site(),
                      s.improving() ? "true" : "false", absl::StrCat(s.baseline_mean()),
                      absl::StrCat(s.recent_mean()), absl::StrCat(s.shift()),
                      absl::StrCat(s.points_held()), s.improving() ? PeriodText(s.since()) : ""});
    }
  }
  PrintCells({"rank", "initiative", "workstream", "measure", "sites_improving", "site", "improving",
              "baseline_mean", "recent_mean", "shift", "points_held", "since"},
             rows, out, OutputFormat::kCsv);
}

}  // namespace psc::cli
