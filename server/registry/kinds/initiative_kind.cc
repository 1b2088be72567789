#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/kinds/initiative_lifecycle.h"
#include "server/registry/kinds/measurement_plan.h"
#include "server/registry/kinds/search_content.h"
#include "server/spc/series_ids.h"

namespace psc::registry {
namespace {

void ValidateMeasure(Validator& v, const std::string& path, const v1::Measure& m) {
  v.Enum<v1::MeasureKind>(Sub(path, "kind"), m.kind(), /*required=*/true);
  v.Text(Sub(path, "name"), m.name(), 200, /*required=*/true);
  v.Text(Sub(path, "operational_definition"), m.operational_definition(), 2000);
  v.Text(Sub(path, "unit"), m.unit(), 64);
  v.Text(Sub(path, "baseline"), m.baseline(), 200);
  v.Text(Sub(path, "target"), m.target(), 200);
  if (!m.id().empty() && !spc::IsValidMeasureId(m.id())) {
    v.Fail(Sub(path, "id"),
           "must be 1..30 of [a-z0-9-], starting with a letter, not ending with '-', without "
           "\"--\"");
  }
  v.Enum<v1::ImprovementDirection>(Sub(path, "improvement_direction"), m.improvement_direction(),
                                   /*required=*/false);
  v.Enum<v1::SiteCombination>(Sub(path, "site_combination"), m.site_combination(),
                              /*required=*/false);
  if (m.has_target_value() && !std::isfinite(m.target_value())) {
    v.Fail(Sub(path, "target_value"), "must be a finite number");
  }
  if (!(m.rate_multiplier() >= 0 && m.rate_multiplier() <= 1e9)) {
    v.Fail(Sub(path, "rate_multiplier"), "must be between 0 and 1e9");
  }
}

// Measure ids are distinct within an initiative: data is recorded under them.
void ValidateMeasureIds(Validator& v, const v1::Initiative& i) {
  absl::flat_hash_set<std::string> seen;
  for (int k = 0; k < i.measures_size(); ++k) {
    const std::string& id = i.measures(k).id();
    if (!id.empty() && !seen.insert(id).second) {
      v.Fail(Sub(Indexed("measures", k), "id"), absl::StrCat("\"", id, "\" is used twice"));
    }
  }
}

// How far an adoption chain is followed looking for a cycle (chains are short in practice).
constexpr int kMaxAdoptionChain = 1000;

class InitiativeKindImpl final : public TypedKind<v1::Initiative> {
 public:
  InitiativeKindImpl()
      : TypedKind(KindSpec{
            .collection = "initiatives",
            .singular = "initiative",
            .change_field = "initiative",
            .record_field = "initiative",
            .filters = {NameFilter("collaborative",
                                   {"lead_collaborative", "participant_collaboratives"}),
                        EnumFilter<v1::Workstream>("workstream"),
                        EnumFilter<v1::InitiativeStatus>("status"),
                        FoldedFilter("topic", {"topics"}),
                        EnumFilter<v1::MeasurementPlanStatus>("measurement_plan_status")},
            .derived_fields = {"measurement_plan_status", "measurement_plan_gaps",
                               "similar_initiatives"},
            .owner_field = "lead_collaborative",
            // What participating PSCs may change; everything else is the lead's.
            .participant_fields = {"topics", "care_settings", "measures", "milestones",
                                   "patient_public_involvement"},
            .searchable = true,
            .search_inputs = {SearchInput::kImprovement},
        }) {}

 protected:
  void ApplyDefaultsTo(v1::Initiative* i) const override {
    if (i->status() == v1::INITIATIVE_STATUS_UNSPECIFIED) i->set_status(v1::PROPOSED);
  }

  void ValidateResource(const v1::Initiative& i, std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Text("title", i.title(), 200, /*required=*/true);
    v.Text("summary", i.summary(), 4000);
    v.Name("lead_collaborative", i.lead_collaborative(), "collaboratives", /*required=*/true);
    v.TextList("participant_collaboratives", i.participant_collaboratives(), 15, 100);
    for (int k = 0; k < i.participant_collaboratives_size(); ++k) {
      const std::string& p = i.participant_collaboratives(k);
      v.Name(Indexed("participant_collaboratives", k), p, "collaboratives", true);
      if (p == i.lead_collaborative()) {
        v.Fail(Indexed("participant_collaboratives", k), "is the lead collaborative");
      }
    }
    v.Enum<v1::Workstream>("workstream", i.workstream(), /*required=*/true);
    v.Text("local_priority", i.local_priority(), 200, /*required=*/i.workstream() == v1::LOCAL);
    if (i.workstream() != v1::LOCAL && !i.local_priority().empty()) {
      v.Fail("local_priority", "is only for the LOCAL workstream");
    }
    v.Enum<v1::InitiativeStatus>("status", i.status(), /*required=*/false);
    bool needs_reason = i.status() == v1::PAUSED || i.status() == v1::STOPPED;
    v.Text("status_reason", i.status_reason(), 2000, /*required=*/needs_reason);
    v.TextList("topics", i.topics(), 20, 64);
    v.TextList("care_settings", i.care_settings(), 20, 64);
    const v1::Date* start = i.has_start_date() ? &i.start_date() : nullptr;
    const v1::Date* end = i.has_end_date() ? &i.end_date() : nullptr;
    v.Date("start_date", start);
    v.Date("end_date", end);
    v.DateOrder("end_date", start, end);
    v.Text("qi_method", i.qi_method(), 200);
    v.Text("status_override_reason", i.status_override_reason(), 2000);
    v.Text("patient_public_involvement", i.patient_public_involvement(), 2000);
    v.Range("resourcing.wte", i.resourcing().wte(), 0, 1000);
    v.Range("resourcing.budget_gbp", static_cast<double>(i.resourcing().budget_gbp()), 0, 1e9);
    v.Count("measures", i.measures_size(), 50);
    for (int k = 0; k < i.measures_size(); ++k) {
      ValidateMeasure(v, Indexed("measures", k), i.measures(k));
    }
    ValidateMeasureIds(v, i);
    v.Count("milestones", i.milestones_size(), 100);
    for (int k = 0; k < i.milestones_size(); ++k) {
      const v1::Milestone& m = i.milestones(k);
      std::string path = Indexed("milestones", k);
      v.Text(Sub(path, "title"), m.title(), 200, /*required=*/true);
      v.Date(Sub(path, "due"), m.has_due() ? &m.due() : nullptr);
    }
    if (i.has_last_review()) {
      const v1::ReviewDecision& r = i.last_review();
      v.Enum<v1::ReviewOutcome>("last_review.outcome", r.outcome(), /*required=*/true);
      v.Text("last_review.rationale", r.rationale(), 4000, /*required=*/r.outcome() == v1::STOP);
      v.Date("last_review.decided_on", r.has_decided_on() ? &r.decided_on() : nullptr);
    }
    v.Name("adopted_from", i.adopted_from(), "initiatives", /*required=*/false);
    if (!i.adopted_from().empty() && i.adopted_from() == i.name()) {
      v.Fail("adopted_from", "cannot name the initiative itself");
    }
  }

  void DeriveFields(v1::Initiative* i) const override { DeriveMeasurementPlan(i); }

  absl::Status CheckTransition(const Caller& caller, const v1::Initiative* before,
                               const v1::Initiative& after) const override {
    return CheckInitiativeLifecycle(caller, before, after);
  }

  // adopted_from may not lead back, through any chain of adoptions, to the initiative itself:
  // a cycle would count each of its initiatives as spread from another PSC.
  absl::Status CheckStored(const StoredRecordLoader& load,
                           const google::protobuf::Message& after) const override {
    const auto& initiative = static_cast<const v1::Initiative&>(after);
    std::string next = initiative.adopted_from();
    for (int steps = 0; !next.empty() && steps < kMaxAdoptionChain; ++steps) {
      if (next == initiative.name()) {
        return Error(absl::StatusCode::kFailedPrecondition, "ADOPTION_CYCLE",
                     absl::StrCat("adopted_from: ", initiative.adopted_from(), " was adopted, ",
                                  steps == 0 ? "" : "through others, ", "from ", initiative.name(),
                                  "; an initiative cannot be adopted from itself"),
                     {{"initiative.adopted_from", "leads back to this initiative"}});
      }
      absl::StatusOr<std::unique_ptr<google::protobuf::Message>> source = load(next);
      if (!source.ok()) return source.status();
      if (*source == nullptr) break;
      next = static_cast<const v1::Initiative&>(**source).adopted_from();
    }
    return absl::OkStatus();
  }

  std::vector<Reference> ReferencesOf(const v1::Initiative& i) const override {
    std::vector<Reference> refs{{"lead_collaborative", i.lead_collaborative()}};
    for (int k = 0; k < i.participant_collaboratives_size(); ++k) {
      refs.push_back({Indexed("participant_collaboratives", k), i.participant_collaboratives(k)});
    }
    if (!i.adopted_from().empty()) refs.push_back({"adopted_from", i.adopted_from()});
    return refs;
  }

  std::string OwnerOf(const v1::Initiative& i) const override { return i.lead_collaborative(); }
  std::vector<std::string> ParticipantsOf(const v1::Initiative& i) const override {
    return {i.participant_collaboratives().begin(), i.participant_collaboratives().end()};
  }
  bool IsDraftResource(const v1::Initiative& i) const override {
    return i.status() == v1::PROPOSED;
  }

  void DescribeForSearch(const v1::Initiative& i, const SearchInputs& inputs,
                         index::Document* doc) const override {
    doc->terms.push_back({"improving", inputs.improving ? "true" : "false"});
    AddSearchTitle(i.title(), doc);
    AddSearchText(i.summary(), doc);
    AddSearchText(i.local_priority(), doc);
    AddSearchText(i.qi_method(), doc);
    AddSearchText(absl::StrJoin(i.care_settings(), ". "), doc);
    for (const v1::Measure& m : i.measures()) {
      AddSearchText(absl::StrCat(m.name(), ". ", m.operational_definition()), doc);
    }
    AddSearchTopics(i.topics(), doc);
    doc->terms.push_back({"lead", i.lead_collaborative()});
    doc->snippet_source = i.summary();
  }
};

}  // namespace

const RecordKind& InitiativeKind() {
  static const auto* kind = new InitiativeKindImpl;
  return *kind;
}

}  // namespace psc::registry
