// Each stateless validation rule, one broken at a time on an otherwise valid resource.

#include <functional>

#include "gtest/gtest.h"
#include "server/registry/kinds/record_kind.h"
#include "tests/testing/resources.h"

namespace psc::registry {
namespace {

using testing::MakeCaseStudy;
using testing::MakeCollaborative;
using testing::MakeExpert;
using testing::MakeInitiative;
using testing::MakeResource;

std::vector<std::string> ViolatedFields(const RecordKind& kind,
                                        const google::protobuf::Message& m) {
  std::vector<FieldViolation> violations;
  kind.Validate(m, &violations);
  std::vector<std::string> fields;
  for (const auto& v : violations) fields.push_back(v.field);
  return fields;
}

template <typename T>
struct Rule {
  std::string name;
  std::function<void(T*)> breaks;
  std::string field;
};

template <typename T>
void ExpectRules(const RecordKind& kind, const T& valid, const std::vector<Rule<T>>& rules) {
  EXPECT_TRUE(ViolatedFields(kind, valid).empty()) << "the base resource must be valid";
  for (const Rule<T>& rule : rules) {
    T broken = valid;
    rule.breaks(&broken);
    EXPECT_EQ(ViolatedFields(kind, broken), std::vector<std::string>{rule.field}) << rule.name;
  }
}

const std::string kLong(5000, 'x');

TEST(ValidationTest, Collaborative) {
  using C = v1::Collaborative;
  ExpectRules<C>(
      CollaborativeKind(), MakeCollaborative(),
      {{"display name required", [](C* c) { c->clear_display_name(); }, "display_name"},
       {"display name bound", [](C* c) { c->set_display_name(kLong); }, "display_name"},
       {"host required", [](C* c) { c->clear_host_ahsn(); }, "host_ahsn"},
       {"region required", [](C* c) { c->clear_region(); }, "region"},
       {"unknown region", [](C* c) { c->set_region(static_cast<v1::Region>(99)); }, "region"},
       {"email shape", [](C* c) { c->mutable_patient_safety_lead()->set_email("nope"); },
        "patient_safety_lead.email"}});
}

TEST(ValidationTest, Initiative) {
  using I = v1::Initiative;
  auto date = [](v1::Date* d, int y, int m, int day) {
    d->set_year(y);
    d->set_month(m);
    d->set_day(day);
  };
  ExpectRules<I>(
      InitiativeKind(), MakeInitiative("collaboratives/wessex"),
      {{"title required", [](I* i) { i->clear_title(); }, "title"},
       {"summary bound", [](I* i) { i->set_summary(kLong); }, "summary"},
       {"lead required", [](I* i) { i->clear_lead_collaborative(); }, "lead_collaborative"},
       {"lead shape", [](I* i) { i->set_lead_collaborative("wessex"); }, "lead_collaborative"},
       {"participant shape", [](I* i) { i->add_participant_collaboratives("x/y"); },
        "participant_collaboratives[0]"},
       {"participant is lead",
        [](I* i) { i->add_participant_collaboratives("collaboratives/wessex"); },
        "participant_collaboratives[0]"},
       {"too many participants",
        [](I* i) {
          for (int k = 0; k < 16; ++k) {
            i->add_participant_collaboratives("collaboratives/c" + std::to_string(k));
          }
        },
        "participant_collaboratives"},
       {"workstream required", [](I* i) { i->clear_workstream(); }, "workstream"},
       {"local needs priority", [](I* i) { i->set_workstream(v1::LOCAL); }, "local_priority"},
       {"priority only for local", [](I* i) { i->set_local_priority("falls"); }, "local_priority"},
       {"unknown status", [](I* i) { i->set_status(static_cast<v1::InitiativeStatus>(42)); },
        "status"},
       {"stopped needs reason", [](I* i) { i->set_status(v1::STOPPED); }, "status_reason"},
       {"duplicate topic", [](I* i) { i->add_topics("huddles"); }, "topics[1]"},
       {"empty topic", [](I* i) { i->add_topics(""); }, "topics[1]"},
       {"bad date", [&](I* i) { date(i->mutable_start_date(), 2019, 2, 30); }, "start_date"},
       {"end before start", [&](I* i) { date(i->mutable_end_date(), 2018, 1, 1); }, "end_date"},
       {"negative wte", [](I* i) { i->mutable_resourcing()->set_wte(-1); }, "resourcing.wte"},
       {"measure kind", [](I* i) { i->mutable_measures(0)->clear_kind(); }, "measures[0].kind"},
       {"measure name", [](I* i) { i->mutable_measures(1)->clear_name(); }, "measures[1].name"},
       {"too many measures",
        [](I* i) {
          for (int k = 0; k < 48; ++k) *i->add_measures() = i->measures(0);
        },
        "measures"},
       {"milestone title", [](I* i) { i->add_milestones(); }, "milestones[1].title"},
       {"stop needs rationale", [](I* i) { i->mutable_last_review()->set_outcome(v1::STOP); },
        "last_review.rationale"},
       {"adopted_from shape", [](I* i) { i->set_adopted_from("collaboratives/x"); },
        "adopted_from"}});
}

TEST(ValidationTest, CaseStudy) {
  using C = v1::CaseStudy;
  ExpectRules<C>(
      CaseStudyKind(), MakeCaseStudy("collaboratives/wessex"),
      {{"title required", [](C* c) { c->clear_title(); }, "title"},
       {"owner required", [](C* c) { c->clear_owner_collaborative(); }, "owner_collaborative"},
       {"collaborative shape", [](C* c) { c->add_collaboratives("initiatives/x"); },
        "collaboratives[0]"},
       {"initiative shape", [](C* c) { c->set_initiative("collaboratives/x"); }, "initiative"},
       {"metric name", [](C* c) { c->mutable_impact()->add_metrics(); }, "impact.metrics[0].name"},
       {"unknown state",
        [](C* c) { c->set_publication_state(static_cast<v1::PublicationState>(9)); },
        "publication_state"},
       {"reference id", [](C* c) { c->add_external_references()->set_system("ahsn-atlas"); },
        "external_references[0].id"},
       {"reference url",
        [](C* c) {
          auto* r = c->add_external_references();
          r->set_system("ahsn-atlas");
          r->set_id("1");
          r->set_url("ftp://x");
        },
        "external_references[0].url"}});
}

TEST(ValidationTest, Expert) {
  using E = v1::Expert;
  ExpectRules<E>(
      ExpertKind(), MakeExpert("collaboratives/wessex"),
      {{"name required", [](E* e) { e->clear_display_name(); }, "display_name"},
       {"home required", [](E* e) { e->clear_home_collaborative(); }, "home_collaborative"},
       {"a skill required", [](E* e) { e->clear_skills(); }, "skills"},
       {"skill level", [](E* e) { e->mutable_skills(0)->clear_level(); }, "skills[0].level"},
       {"repeated skill", [](E* e) { *e->add_skills() = e->skills(0); }, "skills[1]"},
       {"duplicate region", [](E* e) { e->add_regions(v1::SOUTH_WEST); }, "regions[1]"},
       {"days bound", [](E* e) { e->set_days_per_month_offered(40); }, "days_per_month_offered"},
       {"credential title", [](E* e) { e->add_credentials(); }, "credentials[0].title"}});
}

TEST(ValidationTest, Resource) {
  using R = v1::Resource;
  ExpectRules<R>(SharedResourceKind(), MakeResource("national/psmu"),
                 {{"title required", [](R* r) { r->clear_title(); }, "title"},
                  {"kind required", [](R* r) { r->clear_kind(); }, "kind"},
                  {"provider required", [](R* r) { r->clear_provider(); }, "provider"},
                  {"provider shape", [](R* r) { r->set_provider("psmu"); }, "provider"},
                  {"link scheme", [](R* r) { r->set_link("javascript:alert(1)"); }, "link"}});
}

TEST(ValidationTest, NonUtf8TextIsRejected) {
  v1::Collaborative c = MakeCollaborative();
  c.set_host_ahsn("bad \xc3");
  EXPECT_EQ(ViolatedFields(CollaborativeKind(), c), std::vector<std::string>{"host_ahsn"});
}

}  // namespace
}  // namespace psc::registry
