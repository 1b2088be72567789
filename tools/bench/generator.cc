#include "tools/bench/generator.h"

#include <string_view>

#include "absl/strings/str_cat.h"

namespace psc::bench {
namespace {

namespace v1 = registry::v1;

constexpr const char* kSubjects[] = {
    "sepsis",     "falls",          "pressure ulcers", "deterioration", "medicines",
    "maternity",  "neonatal",       "handover",        "huddles",       "NEWS2",
    "delirium",   "frailty",        "discharge",       "insulin",       "anticoagulation",
    "stillbirth", "mental health",  "care homes",      "surgery",       "laparotomy",
    "escalation", "safety culture", "learning",        "human factors", "simulation"};
constexpr const char* kActions[] = {"screening", "dashboard", "bundle",    "checklist",
                                    "training",  "audit",     "pathway",   "collaborative",
                                    "toolkit",   "huddle",    "programme", "review"};
constexpr const char* kSettings[] = {"acute wards",     "emergency departments",
                                     "community teams", "primary care",
                                     "care homes",      "mental health units"};
constexpr v1::Workstream kWorkstreams[] = {v1::SAFETY_CULTURE, v1::DETERIORATING_PATIENT,
                                           v1::MATERNITY_NEONATAL, v1::LOCAL};
constexpr v1::InitiativeStatus kStatuses[] = {v1::PROPOSED, v1::ACTIVE, v1::SPREADING,
                                              v1::COMPLETED};

// A cheap deterministic mix of n and a salt, so fields vary independently.
unsigned Pick(int n, unsigned salt, unsigned modulo) {
  unsigned x = static_cast<unsigned>(n) * 2654435761u + salt * 40503u;
  x ^= x >> 15;
  x *= 2246822519u;
  x ^= x >> 13;
  return x % modulo;
}

template <typename T, size_t N>
const T& From(const T (&list)[N], int n, unsigned salt) {
  return list[Pick(n, salt, N)];
}

std::string Collaborative(int n, unsigned salt) {
  return absl::StrCat("collaboratives/gen-psc-", Pick(n, salt, 15));
}

std::string Phrase(int n) { return absl::StrCat(From(kSubjects, n, 1), " ", From(kActions, n, 2)); }

std::string Prose(int n) {
  return absl::StrCat("A ", Phrase(n), " for ", From(kSettings, n, 3), ", linked with ",
                      From(kSubjects, n, 4), " ", From(kActions, n, 5), " work in ",
                      From(kSettings, n, 6), ". Record ", n, ".");
}

}  // namespace

std::vector<v1::Collaborative> GeneratedCollaboratives() {
  std::vector<v1::Collaborative> out;
  for (int i = 0; i < 15; ++i) {
    v1::Collaborative c;
    c.set_name(absl::StrCat("collaboratives/gen-psc-", i));
    c.set_display_name(absl::StrCat("Generated PSC ", i));
    c.set_host_ahsn(absl::StrCat("Generated AHSN ", i));
    c.set_region(static_cast<v1::Region>(1 + i % 7));
    out.push_back(c);
  }
  return out;
}

v1::Initiative GenerateInitiative(int n) {
  v1::Initiative initiative;
  v1::Initiative* i = &initiative;
  i->set_title(absl::StrCat(Phrase(n), " in ", From(kSettings, n, 3)));
  i->set_summary(Prose(n));
  i->set_lead_collaborative(Collaborative(n, 8));
  if (Pick(n, 9, 3) == 0) i->add_participant_collaboratives(Collaborative(n, 10));
  if (i->participant_collaboratives_size() > 0 &&
      i->participant_collaboratives(0) == i->lead_collaborative()) {
    i->clear_participant_collaboratives();
  }
  i->set_workstream(From(kWorkstreams, n, 11));
  if (i->workstream() == v1::LOCAL) i->set_local_priority(From(kSubjects, n, 12));
  i->set_status(From(kStatuses, n, 13));
  i->add_topics(From(kSubjects, n, 1));
  // What the lifecycle rules ask of each status: a complete measurement plan to be active or
  // spreading, a reason to be paused or stopped.
  if (i->status() == v1::ACTIVE || i->status() == v1::SPREADING) {
    for (v1::MeasureKind kind : {v1::OUTCOME, v1::PROCESS, v1::BALANCING}) {
      v1::Measure* m = i->add_measures();
      m->set_kind(kind);
      m->set_name(absl::StrCat(From(kSubjects, n, 2 + kind), " rate"));
      m->set_operational_definition("per 1,000 bed days, monthly");
      m->set_baseline("12");
      m->set_target("6");
    }
    i->add_milestones()->set_title("Pilot wards live");
  }
  if (i->status() == v1::PAUSED || i->status() == v1::STOPPED) {
    i->set_status_reason("Paused while the team is redeployed");
  }
  return initiative;
}

v1::RegistryRecord GenerateRecord(int n) {
  v1::RegistryRecord record;
  const unsigned kind = Pick(n, 7, 10);
  if (kind < 5) {
    *record.mutable_initiative() = GenerateInitiative(n);
  } else if (kind < 7) {
    v1::CaseStudy* c = record.mutable_case_study();
    c->set_title(absl::StrCat(Phrase(n), " reduced harm"));
    c->set_summary(Prose(n));
    c->set_challenge(Prose(n + 1));
    c->set_owner_collaborative(Collaborative(n, 8));
    c->set_publication_state(Pick(n, 14, 4) == 0 ? v1::DRAFT : v1::PUBLISHED);
    c->add_topics(From(kSubjects, n, 1));
  } else if (kind < 9) {
    v1::Expert* e = record.mutable_expert();
    e->set_display_name(absl::StrCat("Generated Expert ", n));
    e->set_home_collaborative(Collaborative(n, 8));
    e->set_job_title(absl::StrCat(From(kSubjects, n, 1), " lead"));
    e->set_bio(Prose(n));
    v1::ExpertSkill* s = e->add_skills();
    s->set_skill(static_cast<v1::Skill>(1 + Pick(n, 15, 10)));
    s->set_level(static_cast<v1::SkillLevel>(1 + Pick(n, 16, 4)));
    e->add_regions(static_cast<v1::Region>(1 + Pick(n, 17, 7)));
    e->set_shareable(Pick(n, 18, 2) == 0);
    e->set_days_per_month_offered(static_cast<int>(Pick(n, 19, 6)));
  } else {
    v1::Resource* r = record.mutable_resource();
    r->set_title(absl::StrCat(Phrase(n), " resource"));
    r->set_kind(static_cast<v1::ResourceKind>(1 + Pick(n, 20, 7)));
    r->set_provider(Collaborative(n, 8));
    r->set_description(Prose(n));
    r->add_topics(From(kSubjects, n, 1));
  }
  return record;
}

std::vector<std::string> BenchTerms() {
  std::vector<std::string> terms;
  for (const char* word : kSubjects) {
    if (std::string_view(word).find(' ') == std::string_view::npos) terms.push_back(word);
  }
  for (const char* word : kActions) terms.push_back(word);
  return terms;
}

const std::vector<BenchQuery>& BenchQueries() {
  static const auto* queries = new std::vector<BenchQuery>{
      {"sepsis", ""},
      {"sepsis dashboard", "caseStudies"},
      {"\"pressure ulcers\"", ""},
      {"title:huddles", "initiatives"},
      {"falls OR delirium", ""},
      {"skill:\"human factors\"", "experts"},
      {"maternity NOT stillbirth", ""},
      {"care homes medicines", "initiatives"},
  };
  return *queries;
}

}  // namespace psc::bench
