#include "absl/strings/str_join.h"
#include "tools/web/display.h"
#include "tools/web/pages.h"

namespace psc::web {

void CaseStudyPage(PageRequest& r) {
  auto study = r.registry.GetCaseStudy("caseStudies/" + r.PathPart(1));
  if (!study.ok()) {
    r.RenderFailure(study.status(), "Case study not found");
    return;
  }
  Data data = r.BaseData(study->title(), "search");
  data.set("title", study->title());
  data.set("owner", r.Collaborative(study->owner_collaborative()));
  data.set("state", EnumLabel(study->publication_state()));
  data.set("published", study->publication_state() == v1::PUBLISHED);
  SetIfAny(data, "summary", study->summary());
  SetIfAny(data, "challenge", study->challenge());
  SetIfAny(data, "actions_taken", study->actions_taken());
  SetIfAny(data, "impact", study->impact().description());
  SetIfAny(data, "next_steps", study->next_steps());
  SetIfAny(data, "organisations", absl::StrJoin(study->organisations(), ", "));
  if (!study->initiative().empty()) data.set("initiative_href", "/" + study->initiative());
  List metrics;
  for (const v1::ImpactMetric& metric : study->impact().metrics()) {
    Data entry;
    entry.set("name", metric.name());
    entry.set("before", metric.before());
    entry.set("after", metric.after());
    entry.set("unit", metric.unit());
    metrics.push_back(entry);
  }
  data.set("metrics", metrics);
  if (study->has_contact() && !study->contact().email().empty()) {
    data.set("contact_email", study->contact().email());
  }
  r.Render("case_study", data);
}

}  // namespace psc::web
