#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/web/display.h"
#include "tools/web/pages.h"

namespace psc::web {
namespace {

List SimilarList(const google::protobuf::RepeatedPtrField<v1::SimilarInitiative>& similar) {
  List list;
  for (const v1::SimilarInitiative& initiative : similar) {
    Data entry;
    entry.set("href", "/" + initiative.name());
    entry.set("title", initiative.title());
    entry.set("lead", CollaborativeLabel(initiative.lead_collaborative()));
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
  data.set("lead", CollaborativeLabel(initiative->lead_collaborative()));
  List participants;
  for (const std::string& participant : initiative->participant_collaboratives()) {
    participants.push_back(Data(CollaborativeLabel(participant)));
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
  if (initiative->has_last_review() &&
      initiative->last_review().outcome() != v1::REVIEW_OUTCOME_UNSPECIFIED) {
    data.set("review_outcome", EnumLabel(initiative->last_review().outcome()));
    SetIfAny(data, "review_rationale", initiative->last_review().rationale());
  }
  v1::FindSimilarInitiativesRequest similar;
  similar.set_name(name);
  similar.set_page_size(5);
  if (auto found = r.registry.FindSimilarInitiatives(similar); found.ok()) {
    data.set("similar", SimilarList(found->initiatives()));
  }
  if (MayAskToJoin(r.viewer, *initiative)) {
    data.set("may_join", true);
    data.set("proposed_role", r.Param("proposed_role"));
    data.set("message", r.Param("message"));
  }
  if (r.Param("done") == "created") data.set("done", "The initiative was created.");
  if (!failure.ok()) SetErrors(data, failure);
  r.Render("initiative", data, failure.ok() ? 200 : 400);
}

// The new-initiative form with what was entered; `similar` warns of like work elsewhere.
void RenderNewInitiative(PageRequest& r, const absl::Status& failure,
                         const v1::FindSimilarInitiativesResponse* similar) {
  Data data = r.BaseData("New initiative", "new");
  data.set("title_value", r.Param("title"));
  data.set("summary", r.Param("summary"));
  data.set("local_priority", r.Param("local_priority"));
  data.set("workstreams", EnumOptions<v1::Workstream>(r.Param("workstream")));
  if (similar != nullptr && similar->initiatives_size() > 0) {
    data.set("similar", SimilarList(similar->initiatives()));
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
  v1::Initiative initiative;
  initiative.set_title(r.Param("title"));
  initiative.set_summary(r.Param("summary"));
  initiative.set_workstream(ParseEnum<v1::Workstream>(r.Param("workstream")));
  initiative.set_local_priority(r.Param("local_priority"));
  initiative.set_lead_collaborative(r.viewer.principal.collaborative());
  // Before saving, look for the same work in other PSCs; the lead sees it and chooses.
  if (r.Param("confirm") != "1") {
    v1::FindSimilarInitiativesRequest similar;
    similar.set_text(absl::StrCat(initiative.title(), "\n", initiative.summary()));
    similar.set_page_size(5);
    auto found = r.registry.FindSimilarInitiatives(similar);
    if (found.ok() && found->initiatives_size() > 0) {
      RenderNewInitiative(r, absl::OkStatus(), &*found);
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

}  // namespace psc::web
