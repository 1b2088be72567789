#include <algorithm>
#include <future>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/web/display.h"
#include "tools/web/pages.h"
#include "tools/web/spc_chart.h"

namespace psc::web {
namespace {

List SimilarList(const PageRequest& r,
                 const google::protobuf::RepeatedPtrField<v1::SimilarInitiative>& similar) {
  List list;
  for (const v1::SimilarInitiative& initiative : similar) {
    Data entry;
    entry.set("href", "/" + initiative.name());
    entry.set("title", initiative.title());
    entry.set("lead", r.Collaborative(initiative.lead_collaborative()));
    entry.set("status", EnumLabel(initiative.status()));
    list.push_back(entry);
  }
  return list;
}

// Whether the viewer leads another PSC that is not yet part of `initiative`.
bool MayAskToJoin(const Viewer& viewer, const v1::Initiative& initiative) {
  const std::string& own = viewer.principal.collaborative();
  if (viewer.principal.role() != v1::LEAD || own.empty() ||
      own == initiative.lead_collaborative()) {
    return false;
  }
  const auto& participants = initiative.participant_collaboratives();
  return std::find(participants.begin(), participants.end(), own) == participants.end();
}

// Whether to offer the edit form: to the lead collaborative's leads and members, and admins.
// (pscd decides what each may change; this only hides what would be refused.)
bool MayEdit(const Viewer& viewer, const v1::Initiative& initiative) {
  return viewer.IsAdmin() ||
         (viewer.CanWrite() && viewer.principal.collaborative() == initiative.lead_collaborative());
}

// The fields both initiative forms have (templates/_initiative_fields), from `initiative`.
void SetFormFields(Data& data, const v1::Initiative& initiative, bool with_status) {
  data.set("title_value", initiative.title());
  data.set("summary", initiative.summary());
  data.set("local_priority", initiative.local_priority());
  data.set("workstreams",
           EnumOptions<v1::Workstream>(v1::Workstream_Name(initiative.workstream())));
  if (with_status) {
    data.set("has_status", true);
    data.set("statuses",
             EnumOptions<v1::InitiativeStatus>(v1::InitiativeStatus_Name(initiative.status())));
    data.set("status_reason", initiative.status_reason());
  }
}

// An initiative from a form's fields.
v1::Initiative FromForm(const PageRequest& r) {
  v1::Initiative initiative;
  initiative.set_title(r.Param("title"));
  initiative.set_summary(r.Param("summary"));
  initiative.set_workstream(ParseEnum<v1::Workstream>(r.Param("workstream")));
  initiative.set_local_priority(r.Param("local_priority"));
  initiative.set_status(ParseEnum<v1::InitiativeStatus>(r.Param("status")));
  initiative.set_status_reason(r.Param("status_reason"));
  return initiative;
}

List Measures(const v1::Initiative& initiative) {
  List measures;
  for (const v1::Measure& measure : initiative.measures()) {
    Data entry;
    entry.set("kind", EnumLabel(measure.kind()));
    entry.set("name", measure.name());
    entry.set("baseline", measure.baseline());
    entry.set("target", measure.target());
    measures.push_back(entry);
  }
  return measures;
}

// A measure's sites with data, by id: their names, and whether their data combines into one
// chart (numerators and denominators everywhere, or values of a measure whose values add).
struct MeasureSites {
  std::vector<std::pair<std::string, std::string>> sites;  // id, name
  bool combine = true;
};

MeasureSites SitesOf(PageRequest& r, const std::string& name, const v1::Measure& measure) {
  MeasureSites out;
  v1::ListMeasurementsRequest request;
  request.set_parent(name);
  request.set_measure(measure.id());
  do {
    auto page = r.registry.ListMeasurements(request);
    if (!page.ok()) break;
    for (const v1::MeasureSeries& s : page->series()) {
      out.sites.emplace_back(s.site(), s.site_name().empty() ? s.site() : s.site_name());
      for (const v1::MeasurePoint& p : s.points()) {
        if (p.has_value() && measure.site_combination() != v1::VALUES_ADD) out.combine = false;
      }
    }
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return out;
}

// The charts of one measure: the sites combined, where their data combines, then one small
// chart per site with its name. The charts are asked for at once, not one after another.
void AddMeasureCharts(PageRequest& r, const std::string& name, const v1::Measure& measure,
                      List& charts) {
  const MeasureSites found = SitesOf(r, name, measure);
  const auto& sites = found.sites;
  if (sites.empty()) return;
  auto chart_of = [&r, &name, &measure](const std::string& site) {
    return std::async(std::launch::async, [&r, &name, &measure, site] {
      v1::GetMeasureChartRequest request;
      request.set_parent(name);
      request.set_measure(measure.id());
      request.set_site(site);
      return r.registry.GetMeasureChart(request);
    });
  };
  std::optional<std::future<absl::StatusOr<v1::MeasureChart>>> combined;
  if (sites.size() > 1 && found.combine) combined = chart_of("");
  std::vector<std::future<absl::StatusOr<v1::MeasureChart>>> per_site;
  for (const auto& [site, site_name] : sites) per_site.push_back(chart_of(site));
  if (combined) {
    if (auto all = combined->get(); all.ok() && all->points_size() > 0) {
      Data chart = SpcChart(*all, absl::StrCat("spc-", measure.id()));
      chart.set("subtitle", absl::StrCat("All ", sites.size(), " sites combined"));
      charts.push_back(chart);
    }
  }
  for (size_t i = 0; i < sites.size(); ++i) {
    auto one = per_site[i].get();
    if (!one.ok() || one->points_size() == 0) continue;
    Data chart = SpcChart(*one, absl::StrCat("spc-", measure.id(), "-", sites[i].first));
    chart.set("subtitle", sites[i].second);
    chart.set("small", sites.size() > 1);
    charts.push_back(chart);
  }
}

void RenderInitiative(PageRequest& r, const absl::Status& failure) {
  const std::string name = "initiatives/" + r.PathPart(1);
  auto initiative = r.registry.GetInitiative(name);
  if (!initiative.ok()) {
    r.RenderFailure(initiative.status(), "Initiative not found");
    return;
  }
  Data data = r.BaseData(initiative->title(), "search");
  data.set("id", r.PathPart(1));
  data.set("title", initiative->title());
  SetIfAny(data, "summary", initiative->summary());
  data.set("lead", r.Collaborative(initiative->lead_collaborative()));
  List participants;
  for (const std::string& participant : initiative->participant_collaboratives()) {
    participants.push_back(Data(r.Collaborative(participant)));
  }
  data.set("participants", participants);
  data.set("workstream", EnumLabel(initiative->workstream()));
  SetIfAny(data, "local_priority", initiative->local_priority());
  data.set("status", EnumLabel(initiative->status()));
  SetIfAny(data, "status_reason", initiative->status_reason());
  SetIfAny(data, "topics", absl::StrJoin(initiative->topics(), ", "));
  data.set("plan_complete", initiative->measurement_plan_status() == v1::COMPLETE);
  List gaps;
  for (const std::string& gap : initiative->measurement_plan_gaps()) gaps.push_back(Data(gap));
  data.set("gaps", gaps);
  data.set("measures", Measures(*initiative));
  List charts;
  for (const v1::Measure& measure : initiative->measures()) {
    if (measure.id().empty()) continue;  // no data can be recorded without an id
    AddMeasureCharts(r, name, measure, charts);
  }
  data.set("has_charts", !charts.empty());
  data.set("spc_charts", charts);
  if (initiative->has_last_review() &&
      initiative->last_review().outcome() != v1::REVIEW_OUTCOME_UNSPECIFIED) {
    data.set("review_outcome", EnumLabel(initiative->last_review().outcome()));
    SetIfAny(data, "review_rationale", initiative->last_review().rationale());
  }
  v1::FindSimilarInitiativesRequest similar;
  similar.set_name(name);
  similar.set_page_size(5);
  if (auto found = r.registry.FindSimilarInitiatives(similar); found.ok()) {
    data.set("similar", SimilarList(r, found->initiatives()));
  }
  if (MayAskToJoin(r.viewer, *initiative)) {
    data.set("may_join", true);
    data.set("proposed_role", r.Param("proposed_role"));
    data.set("message", r.Param("message"));
  }
  data.set("may_edit", MayEdit(r.viewer, *initiative));
  if (r.Param("done") == "created") data.set("done", "The initiative was created.");
  if (r.Param("done") == "updated") data.set("done", "Your changes were saved.");
  if (!failure.ok()) SetErrors(data, failure);
  r.Render("initiative", data, failure.ok() ? 200 : 400);
}

// The new-initiative form with what was entered; `similar` warns of like work elsewhere.
void RenderNewInitiative(PageRequest& r, const absl::Status& failure,
                         const google::protobuf::RepeatedPtrField<v1::SimilarInitiative>* similar) {
  Data data = r.BaseData("New initiative", "new");
  SetFormFields(data, FromForm(r), false);
  if (similar != nullptr && !similar->empty()) {
    data.set("similar", SimilarList(r, *similar));
    data.set("has_similar", true);
  }
  if (!failure.ok()) SetErrors(data, failure);
  r.Render("new_initiative", data, failure.ok() ? 200 : 400);
}

}  // namespace

void InitiativePage(PageRequest& r) { RenderInitiative(r, absl::OkStatus()); }

void AskToJoin(PageRequest& r) {
  v1::JoinRequest request;
  request.set_proposed_role(r.Param("proposed_role"));
  request.set_message(r.Param("message"));
  auto created = r.registry.CreateJoinRequest("initiatives/" + r.PathPart(1), request);
  if (!created.ok()) {
    RenderInitiative(r, created.status());
    return;
  }
  r.Redirect("/inbox?done=asked");
}

void NewInitiativePage(PageRequest& r) { RenderNewInitiative(r, absl::OkStatus(), nullptr); }

void CreateInitiative(PageRequest& r) {
  v1::Initiative initiative = FromForm(r);
  initiative.clear_status();  // a new initiative is proposed
  initiative.clear_status_reason();
  initiative.set_lead_collaborative(r.viewer.principal.collaborative());
  // Before saving, check it (the form's errors come first), then look for the same work in
  // other PSCs: the lead sees it and chooses.
  if (r.Param("confirm") != "1") {
    auto checked = r.registry.CreateInitiative(initiative, {.validate_only = true});
    if (!checked.ok()) {
      RenderNewInitiative(r, checked.status(), nullptr);
      return;
    }
    if (checked->similar_initiatives_size() > 0) {
      RenderNewInitiative(r, absl::OkStatus(), &checked->similar_initiatives());
      return;
    }
  }
  auto created = r.registry.CreateInitiative(initiative);
  if (!created.ok()) {
    RenderNewInitiative(r, created.status(), nullptr);
    return;
  }
  r.Redirect(absl::StrCat("/", created->name(), "?done=created"));
}

namespace {

// The edit form: the stored initiative, or what was posted (with `failure`) when saving failed.
void RenderEditForm(PageRequest& r, const absl::Status& failure) {
  auto stored = r.registry.GetInitiative("initiatives/" + r.PathPart(1));
  if (!stored.ok()) {
    r.RenderFailure(stored.status(), "Initiative not found");
    return;
  }
  Data data = r.BaseData("Edit " + stored->title(), "search");
  data.set("id", r.PathPart(1));
  data.set("heading", stored->title());
  data.set("etag", failure.ok() ? stored->etag() : r.Param("etag"));
  SetFormFields(data, failure.ok() ? *stored : FromForm(r), true);
  if (!failure.ok()) SetErrors(data, failure);
  r.Render("edit_initiative", data, failure.ok() ? 200 : 400);
}

}  // namespace

void EditInitiativePage(PageRequest& r) { RenderEditForm(r, absl::OkStatus()); }

void UpdateInitiative(PageRequest& r) {
  v1::Initiative initiative = FromForm(r);
  initiative.set_name("initiatives/" + r.PathPart(1));
  google::protobuf::FieldMask mask;
  for (const char* field :
       {"title", "summary", "workstream", "local_priority", "status", "status_reason"}) {
    mask.add_paths(field);
  }
  // The etag the form was made from: a change by someone else meanwhile is not overwritten.
  auto updated = r.registry.UpdateInitiative(initiative, mask, r.Param("etag"));
  if (!updated.ok()) {
    RenderEditForm(r, updated.status());
    return;
  }
  r.Redirect(absl::StrCat("/", updated->name(), "?done=updated"));
}

}  // namespace psc::web
