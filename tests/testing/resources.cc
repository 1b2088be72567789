#include "tests/testing/resources.h"

namespace psc::testing {

v1::Collaborative MakeCollaborative(const std::string& display_name) {
  v1::Collaborative c;
  c.set_display_name(display_name);
  c.set_host_ahsn("Wessex AHSN");
  c.set_region(v1::SOUTH_EAST);
  c.mutable_patient_safety_lead()->set_name("Demo Lead");
  c.mutable_patient_safety_lead()->set_email("lead@example.org");
  return c;
}

v1::Initiative MakeInitiative(const std::string& lead, const std::string& title) {
  v1::Initiative i;
  i.set_title(title);
  i.set_summary("Daily safety huddles on acute wards.");
  i.set_lead_collaborative(lead);
  i.set_workstream(v1::SAFETY_CULTURE);
  i.add_topics("huddles");
  i.mutable_start_date()->set_year(2019);
  i.mutable_start_date()->set_month(4);
  i.mutable_start_date()->set_day(1);
  for (v1::MeasureKind kind : {v1::OUTCOME, v1::PROCESS, v1::BALANCING}) {
    v1::Measure* m = i.add_measures();
    m->set_kind(kind);
    m->set_name(v1::MeasureKind_Name(kind) + " measure");
    m->set_operational_definition("defined");
    m->set_baseline("10");
    m->set_target("5");
  }
  i.add_milestones()->set_title("Pilot on two wards");
  return i;
}

v1::Initiative MakeLargestInitiative(const std::string& lead, const std::string& title) {
  auto text = [](const std::string& seed, size_t n) {
    std::string out = seed;
    while (out.size() < n) out += " patient safety improvement";
    return out.substr(0, n);
  };
  v1::Initiative i;
  i.set_title(text(title, 200));
  i.set_summary(text("Summary", 4000));
  i.set_lead_collaborative(lead);
  i.set_workstream(v1::LOCAL);
  i.set_local_priority(text("Local priority", 200));
  for (int k = 0; k < 20; ++k) {
    i.add_topics(text("topic " + std::to_string(k), 64));
    i.add_care_settings(text("setting " + std::to_string(k), 64));
  }
  i.set_qi_method(text("Model for improvement", 200));
  i.set_patient_public_involvement(text("Patients co-designed it", 2000));
  for (int k = 0; k < 50; ++k) {
    v1::Measure* m = i.add_measures();
    m->set_kind(k % 3 == 0 ? v1::OUTCOME : k % 3 == 1 ? v1::PROCESS : v1::BALANCING);
    m->set_name(text("Measure " + std::to_string(k), 200));
    m->set_operational_definition(text("Defined as", 2000));
    m->set_unit(text("per 1000 bed days", 64));
    m->set_baseline(text("12.5", 200));
    m->set_target(text("6", 200));
    std::string id = "measure-" + std::to_string(k);
    m->set_id(id + std::string(30 - id.size(), 'x'));  // the longest id
    m->set_improvement_direction(v1::LOWER_IS_BETTER);
    m->set_target_value(6);
    m->set_rate_multiplier(1000);
  }
  for (int k = 0; k < 100; ++k)
    i.add_milestones()->set_title(text("Milestone " + std::to_string(k), 200));
  i.mutable_last_review()->set_outcome(v1::CONTINUE);
  i.mutable_last_review()->set_rationale(text("It works", 4000));
  return i;
}

v1::CaseStudy MakeCaseStudy(const std::string& owner, const std::string& title) {
  v1::CaseStudy c;
  c.set_title(title);
  c.set_summary("A dashboard that flags suspected sepsis.");
  c.set_owner_collaborative(owner);
  c.add_topics("sepsis");
  return c;
}

v1::Expert MakeExpert(const std::string& home, const std::string& display_name) {
  v1::Expert e;
  e.set_display_name(display_name);
  e.set_home_collaborative(home);
  v1::ExpertSkill* s = e.add_skills();
  s->set_skill(v1::HUMAN_FACTORS);
  s->set_level(v1::EXPERT);
  e.add_regions(v1::SOUTH_WEST);
  e.set_shareable(true);
  e.set_days_per_month_offered(2);
  e.mutable_contact()->set_email("demo.person@example.org");
  return e;
}

v1::Resource MakeResource(const std::string& provider, const std::string& title) {
  v1::Resource r;
  r.set_title(title);
  r.set_kind(v1::MEASUREMENT_SUPPORT);
  r.set_provider(provider);
  r.set_link("https://example.org/psmu");
  return r;
}

}  // namespace psc::testing
