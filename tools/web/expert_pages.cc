#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "tools/web/display.h"
#include "tools/web/pages.h"

namespace psc::web {
namespace {

constexpr int kMonthsShown = 6;

int IntParam(const PageRequest& r, const std::string& name, int fallback) {
  int value = 0;
  return absl::SimpleAtoi(r.Param(name), &value) ? value : fallback;
}

absl::CivilMonth ThisMonth() {
  return absl::CivilMonth(absl::ToCivilSecond(absl::Now(), absl::UTCTimeZone()));
}

std::string MonthOf(absl::CivilMonth month) { return MonthLabel(month.year(), month.month()); }

// Free days of `expert` in each of the next months: offered minus the days of accepted (and
// completed) requests covering the month.
List FreeDaysByMonth(const v1::Expert& expert, const std::vector<v1::SharingRequest>& requests) {
  List months;
  const absl::CivilMonth first = ThisMonth();
  for (int i = 0; i < kMonthsShown; ++i) {
    const absl::CivilMonth month = first + i;
    int committed = 0;
    for (const v1::SharingRequest& request : requests) {
      if (request.state() != v1::SHARING_ACCEPTED && request.state() != v1::SHARING_COMPLETED) {
        continue;
      }
      const absl::CivilMonth start(request.start_month().year(), request.start_month().month());
      if (month >= start && month < start + request.months()) committed += request.days_per_month();
    }
    Data row;
    row.set("month", MonthOf(month));
    row.set("free", std::to_string(std::max(0, expert.days_per_month_offered() - committed)));
    row.set("committed", std::to_string(committed));
    months.push_back(row);
  }
  return months;
}

List Skills(const v1::Expert& expert) {
  List skills;
  for (const v1::ExpertSkill& skill : expert.skills()) {
    Data entry;
    entry.set("skill", EnumLabel(skill.skill()));
    entry.set("level", EnumLabel(skill.level()));
    skills.push_back(entry);
  }
  return skills;
}

std::string Regions(const v1::Expert& expert) {
  std::vector<std::string> regions;
  for (int region : expert.regions()) regions.push_back(EnumLabel(static_cast<v1::Region>(region)));
  return absl::StrJoin(regions, ", ");
}

// Whether the viewer may ask for this expert's days: a lead (or admin) of another PSC when the
// expert is shareable, or of the expert's own.
bool MayRequest(const Viewer& viewer, const v1::Expert& expert) {
  if (!viewer.CanLead()) return false;
  return expert.shareable() || viewer.IsAdmin() ||
         viewer.principal.collaborative() == expert.home_collaborative();
}

// The request form's initiatives: those of the viewer's collaborative.
List InitiativeChoices(PageRequest& r, const std::string& selected) {
  List choices;
  v1::ListInitiativesRequest request;
  request.set_page_size(200);
  if (!r.viewer.principal.collaborative().empty()) {
    request.set_filter(
        absl::StrCat("collaborative = \"", r.viewer.principal.collaborative(), "\""));
  }
  auto initiatives = r.registry.ListInitiatives(request);
  if (!initiatives.ok()) return choices;
  for (const v1::Initiative& initiative : initiatives->initiatives()) {
    Data choice;
    choice.set("value", initiative.name());
    choice.set("label", initiative.title());
    choice.set("selected", initiative.name() == selected);
    choices.push_back(choice);
  }
  return choices;
}

// The expert's page with its request form holding what was entered, and `failure` if any.
void RenderExpert(PageRequest& r, const absl::Status& failure,
                  const std::vector<FieldError>& form_errors = {}) {
  const std::string name = "experts/" + r.PathPart(1);
  auto expert = r.registry.GetExpert(name);
  if (!expert.ok()) {
    r.RenderFailure(expert.status(), "Expert not found");
    return;
  }
  Data data = r.BaseData(expert->display_name(), "experts");
  data.set("name", expert->name());
  data.set("id", r.PathPart(1));
  data.set("display_name", expert->display_name());
  data.set("home", r.Collaborative(expert->home_collaborative()));
  SetIfAny(data, "organisation", expert->organisation());
  SetIfAny(data, "job_title", expert->job_title());
  SetIfAny(data, "bio", expert->bio());
  data.set("skills", Skills(*expert));
  data.set("regions", Regions(*expert));
  data.set("shareable", expert->shareable());
  data.set("offered", std::to_string(expert->days_per_month_offered()));
  if (expert->has_contact() && !expert->contact().email().empty()) {
    data.set("contact_email", expert->contact().email());
  }
  v1::ListSharingRequestsRequest list;
  list.set_parent(name);
  list.set_page_size(1000);
  if (auto requests = r.registry.ListSharingRequests(list); requests.ok()) {
    std::vector<v1::SharingRequest> all(requests->sharing_requests().begin(),
                                        requests->sharing_requests().end());
    data.set("months", FreeDaysByMonth(*expert, all));
    data.set("has_months", true);
  }
  if (MayRequest(r.viewer, *expert)) {
    const absl::CivilMonth next = ThisMonth() + 1;
    data.set("may_request", true);
    data.set("initiatives", InitiativeChoices(r, r.Param("initiative")));
    data.set("days_per_month", std::to_string(IntParam(r, "days_per_month", 1)));
    data.set("start_year", std::to_string(IntParam(r, "start_year", next.year())));
    data.set("start_month", std::to_string(IntParam(r, "start_month", next.month())));
    data.set("request_months", std::to_string(IntParam(r, "months", 1)));
    data.set("message", r.Param("message"));
  }
  // pscd's errors about fields this form does not have (derived ones) are left out.
  if (!failure.ok()) {
    SetErrors(data, failure, {"initiative", "days_per_month", "start_month", "months", "message"});
  }
  if (!form_errors.empty()) SetFieldErrors(data, form_errors);
  const bool failed = !failure.ok() || !form_errors.empty();
  r.Render("expert", data, failed ? 400 : 200);
}

}  // namespace

void ExpertFinderPage(PageRequest& r) {
  Data data = r.BaseData("Find an expert", "experts");
  const std::string skill = r.Param("skill"), level = r.Param("min_level"),
                    region = r.Param("region");
  data.set("skills", EnumOptions<v1::Skill>(skill));
  data.set("levels", EnumOptions<v1::SkillLevel>(level));
  data.set("regions", EnumOptions<v1::Region>(region));
  data.set("q", r.Param("q"));
  data.set("min_free_days", r.Param("min_free_days"));
  const bool searched = !r.http.params.empty();
  data.set("shareable_only", !searched || r.Param("shareable_only") == "1");
  if (!searched) {
    r.Render("experts", data);
    return;
  }
  v1::FindExpertsRequest request;
  request.set_skill(ParseEnum<v1::Skill>(skill));
  request.set_min_level(ParseEnum<v1::SkillLevel>(level));
  request.set_region(ParseEnum<v1::Region>(region));
  request.set_query(r.Param("q"));
  request.set_shareable_only(r.Param("shareable_only") == "1");
  request.set_min_free_days(IntParam(r, "min_free_days", 0));
  request.set_page_size(50);
  auto response = r.registry.FindExperts(request);
  if (!response.ok()) {
    SetErrors(data, response.status());
    r.Render("experts", data, 400);
    return;
  }
  List matches;
  for (const v1::ExpertMatch& match : response->experts()) {
    Data entry;
    entry.set("href", "/" + match.expert().name());
    entry.set("display_name", match.expert().display_name());
    entry.set("home", r.Collaborative(match.expert().home_collaborative()));
    SetIfAny(entry, "job_title", match.expert().job_title());
    entry.set("free_days", absl::StrCat(Count(match.free_days(), "free day"), " a month"));
    entry.set("shareable", match.expert().shareable());
    List reasons;
    for (const std::string& reason : match.reasons()) reasons.push_back(Data(reason));
    entry.set("reasons", reasons);
    matches.push_back(entry);
  }
  data.set("searched", true);
  data.set("matches", matches);
  data.set("total", std::to_string(response->total_size()));
  r.Render("experts", data);
}

void ExpertPage(PageRequest& r) { RenderExpert(r, absl::OkStatus()); }

namespace {

// The request form's own checks, before pscd is asked: each number a person typed, with the
// range it must be in.
std::vector<FieldError> CheckRequestForm(const PageRequest& r) {
  std::vector<FieldError> errors;
  auto whole = [&](const char* field, int low, int high, const std::string& text) {
    int value = 0;
    if (!absl::SimpleAtoi(r.Param(field), &value) || value < low || value > high) {
      errors.push_back({field, text});
    }
  };
  whole("days_per_month", 1, 31, "Enter the days a month, a whole number from 1 to 31");
  int month = 0, year = 0;
  if (!absl::SimpleAtoi(r.Param("start_month"), &month) || month < 1 || month > 12 ||
      !absl::SimpleAtoi(r.Param("start_year"), &year) || year < 2000 || year > 2100) {
    errors.push_back({"start_month", "Enter the starting month as a month (1 to 12) and a year"});
  }
  whole("months", 1, 12, "Enter for how many months, a whole number from 1 to 12");
  return errors;
}

}  // namespace

void RequestExpertDays(PageRequest& r) {
  if (std::vector<FieldError> errors = CheckRequestForm(r); !errors.empty()) {
    RenderExpert(r, absl::OkStatus(), errors);
    return;
  }
  v1::SharingRequest request;
  request.set_initiative(r.Param("initiative"));
  request.set_days_per_month(IntParam(r, "days_per_month", 0));
  request.mutable_start_month()->set_year(IntParam(r, "start_year", 0));
  request.mutable_start_month()->set_month(IntParam(r, "start_month", 0));
  request.set_months(IntParam(r, "months", 0));
  request.set_message(r.Param("message"));
  auto created = r.registry.CreateSharingRequest("experts/" + r.PathPart(1), request);
  if (!created.ok()) {
    RenderExpert(r, created.status());
    return;
  }
  r.Redirect("/inbox?done=requested");
}

}  // namespace psc::web
