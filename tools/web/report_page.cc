#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "tools/web/bar_chart.h"
#include "tools/web/display.h"
#include "tools/web/pages.h"

namespace psc::web {
namespace {

std::string Percent(double share) { return absl::StrCat(std::lround(share * 100), "%"); }

// One bar per collaborative of the national report.
std::vector<Bar> PerCollaborative(const PageRequest& r, const v1::NetworkReport& report,
                                  const std::function<double(const v1::ReportFigures&)>& value,
                                  const std::function<std::string(double)>& shown) {
  std::vector<Bar> bars;
  for (const v1::ReportFigures& figures : report.by_collaborative()) {
    const double v = value(figures);
    bars.push_back({r.Collaborative(figures.scope()), v, shown(v)});
  }
  return bars;
}

std::vector<Bar> FromCounts(const google::protobuf::RepeatedPtrField<v1::Count>& counts) {
  std::vector<Bar> bars;
  for (const v1::Count& count : counts) {
    bars.push_back({ValueLabel(count.key()), static_cast<double>(count.count()),
                    std::to_string(count.count())});
  }
  return bars;
}

std::string Whole(double v) { return std::to_string(std::lround(v)); }

// Initiatives by workstream and by status, a row per PSC (every scope counts every value, in
// the enums' order).
List PerCollaborativeCounts(const PageRequest& r, const v1::NetworkReport& report, Data& data) {
  List headings;
  for (const auto* counts : {&report.figures().by_workstream(), &report.figures().by_status()}) {
    for (const v1::Count& count : *counts) headings.push_back(Data(ValueLabel(count.key())));
  }
  data.set("count_headings", headings);
  List rows;
  for (const v1::ReportFigures& figures : report.by_collaborative()) {
    Data row;
    row.set("label", r.Collaborative(figures.scope()));
    List cells;
    for (const auto* counts : {&figures.by_workstream(), &figures.by_status()}) {
      for (const v1::Count& count : *counts) cells.push_back(Data(std::to_string(count.count())));
    }
    row.set("cells", cells);
    rows.push_back(row);
  }
  return rows;
}

Data Figure(const std::string& label, const std::string& value) {
  Data figure;
  figure.set("label", label);
  figure.set("value", value);
  return figure;
}

}  // namespace

void ReportPage(PageRequest& r) {
  Data data = r.BaseData("National report", "report");
  auto report = r.registry.GetNetworkReport();
  if (!report.ok()) {
    r.RenderFailure(report.status(), "National report");
    return;
  }
  const v1::ReportFigures& n = report->figures();
  List figures;
  figures.push_back(Figure("Initiatives", std::to_string(n.initiatives())));
  figures.push_back(
      Figure("On the national workstreams", std::to_string(n.national_workstream_initiatives())));
  figures.push_back(Figure("Local priorities", std::to_string(n.local_initiatives())));
  figures.push_back(
      Figure("Run by more than one PSC",
             absl::StrCat(n.multi_psc_initiatives(), " (", Percent(n.multi_psc_share()), ")")));
  figures.push_back(Figure("With a complete measurement plan",
                           absl::StrCat(n.complete_measurement_plans(), " (",
                                        Percent(n.measurement_plan_completeness()), ")")));
  figures.push_back(
      Figure("Join requests made / approved",
             absl::StrCat(n.join_requests_made(), " / ", n.join_requests_approved())));
  figures.push_back(Figure("Expert days shared between PSCs",
                           absl::StrCat(n.expert_days_given(), " committed, ",
                                        n.expert_days_delivered_given(), " delivered")));
  figures.push_back(Figure("Case studies published", std::to_string(n.case_studies_published())));
  figures.push_back(
      Figure("Adopted from another PSC", std::to_string(n.adopted_from_another_psc())));
  data.set("figures", figures);

  const auto count = [](auto field) {
    return [field](const v1::ReportFigures& f) { return static_cast<double>((f.*field)()); };
  };
  List charts;
  charts.push_back(BarChart("by-workstream", "Initiatives by workstream", "Workstream",
                            "Initiatives", FromCounts(n.by_workstream())));
  charts.push_back(BarChart("by-status", "Initiatives by status", "Status", "Initiatives",
                            FromCounts(n.by_status())));
  charts.push_back(
      BarChart("initiatives", "Initiatives per PSC", "Patient Safety Collaborative", "Initiatives",
               PerCollaborative(r, *report, count(&v1::ReportFigures::initiatives), Whole)));
  charts.push_back(
      BarChart("multi-psc", "Share of initiatives run with other PSCs",
               "Patient Safety Collaborative", "Share",
               PerCollaborative(
                   r, *report, [](const auto& f) { return f.multi_psc_share(); }, Percent),
               1));
  charts.push_back(BarChart(
      "measurement", "Measurement plan coverage", "Patient Safety Collaborative", "Complete plans",
      PerCollaborative(
          r, *report, [](const auto& f) { return f.measurement_plan_completeness(); }, Percent),
      1));
  charts.push_back(BarChart(
      "days-given", "Expert days given to other PSCs", "Patient Safety Collaborative", "Days",
      PerCollaborative(r, *report, count(&v1::ReportFigures::expert_days_given), Whole)));
  charts.push_back(BarChart(
      "days-received", "Expert days received from other PSCs", "Patient Safety Collaborative",
      "Days",
      PerCollaborative(r, *report, count(&v1::ReportFigures::expert_days_received), Whole)));
  data.set("charts", charts);
  data.set("count_rows", PerCollaborativeCounts(r, *report, data));
  r.Render("report", data);
}

}  // namespace psc::web
