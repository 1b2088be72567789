#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "psc/registry/v1/case_study.pb.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/case_study_evidence.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/kinds/search_content.h"

namespace psc::registry {
namespace {

class CaseStudyKindImpl final : public TypedKind<v1::CaseStudy> {
 public:
  CaseStudyKindImpl()
      : TypedKind(KindSpec{
            .collection = "caseStudies",
            .singular = "case_study",
            .change_field = "case_study",
            .record_field = "case_study",
            .filters = {NameFilter("collaborative", {"owner_collaborative", "collaboratives"}),
                        EnumFilter<v1::PublicationState>("publication_state"),
                        NameFilter("initiative"), FoldedFilter("topic", {"topics"}),
                        ComputedFilter("atlas_id")},
            .owner_field = "owner_collaborative",
            .participant_fields = {"organisations", "topics", "impact"},
            .personal_fields = {"contact"},
            // The AHSN Atlas publishes case studies: it reads the published ones only.
            .atlas_reads = std::vector<Term>{{"publication_state", "PUBLISHED"}},
            .searchable = true,
        }) {}

 public:
  absl::Status DeriveStored(const StoredRecordLoader& load,
                            google::protobuf::Message* resource) const override {
    auto* c = static_cast<v1::CaseStudy*>(resource);
    for (int k = 0; k < c->impact().metrics_size(); ++k) {
      v1::ImpactMetric* m = c->mutable_impact()->mutable_metrics(k);
      m->clear_evidence();
      if (m->evidence_series().empty()) continue;
      absl::Status derived =
          DeriveEvidence(load, absl::StrCat("case_study.", Indexed("impact.metrics", k)), m);
      if (!derived.ok()) return derived;
    }
    return absl::OkStatus();
  }

 protected:
  void ApplyDefaultsTo(v1::CaseStudy* c) const override {
    if (c->publication_state() == v1::PUBLICATION_STATE_UNSPECIFIED) {
      c->set_publication_state(v1::DRAFT);
    }
  }

  void ValidateResource(const v1::CaseStudy& c, std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Text("title", c.title(), 200, /*required=*/true);
    v.Text("summary", c.summary(), 4000);
    v.Text("challenge", c.challenge(), 8000);
    v.Text("actions_taken", c.actions_taken(), 8000);
    v.Text("impact.description", c.impact().description(), 8000);
    v.Count("impact.metrics", c.impact().metrics_size(), 20);
    for (int k = 0; k < c.impact().metrics_size(); ++k) {
      const v1::ImpactMetric& m = c.impact().metrics(k);
      std::string path = Indexed("impact.metrics", k);
      v.Text(Sub(path, "name"), m.name(), 200, /*required=*/true);
      v.Text(Sub(path, "before"), m.before(), 64);
      v.Text(Sub(path, "after"), m.after(), 64);
      v.Text(Sub(path, "unit"), m.unit(), 64);
      if (!m.evidence_series().empty() && !IsSeriesOf(m.evidence_series(), c.initiative())) {
        v.Fail(Sub(path, "evidence_series"),
               c.initiative().empty() ? "needs the case study's initiative"
                                      : absl::StrCat("must be a series of ", c.initiative(), " (",
                                                     c.initiative(), "/series/{measure}--{site})"));
      }
    }
    v.Text("next_steps", c.next_steps(), 8000);
    v.Name("owner_collaborative", c.owner_collaborative(), "collaboratives", /*required=*/true);
    v.TextList("collaboratives", c.collaboratives(), 15, 100);
    for (int k = 0; k < c.collaboratives_size(); ++k) {
      v.Name(Indexed("collaboratives", k), c.collaboratives(k), "collaboratives", true);
    }
    v.Name("initiative", c.initiative(), "initiatives", /*required=*/false);
    v.TextList("organisations", c.organisations(), 50, 200);
    v.TextList("topics", c.topics(), 20, 64);
    v.Contact("contact", c.contact());
    v.Enum<v1::PublicationState>("publication_state", c.publication_state(), false);
    v.Count("external_references", c.external_references_size(), 10);
    for (int k = 0; k < c.external_references_size(); ++k) {
      const v1::ExternalReference& r = c.external_references(k);
      std::string path = Indexed("external_references", k);
      v.Text(Sub(path, "system"), r.system(), 64, /*required=*/true);
      v.Text(Sub(path, "id"), r.id(), 128, /*required=*/true);
      v.Url(Sub(path, "url"), r.url(), 2000);
    }
  }

  // atlas_id: the id of the case study's AHSN Atlas reference, when it has one.
  std::vector<Term> TermsOf(const v1::CaseStudy& c) const override {
    std::vector<Term> terms;
    for (const v1::ExternalReference& r : c.external_references()) {
      if (r.system() == "ahsn-atlas") AddTerm(&terms, "atlas_id", r.id());
    }
    return terms;
  }

  std::vector<Reference> ReferencesOf(const v1::CaseStudy& c) const override {
    std::vector<Reference> refs{{"owner_collaborative", c.owner_collaborative()}};
    for (int k = 0; k < c.collaboratives_size(); ++k) {
      refs.push_back({Indexed("collaboratives", k), c.collaboratives(k)});
    }
    if (!c.initiative().empty()) refs.push_back({"initiative", c.initiative()});
    return refs;
  }

  std::string OwnerOf(const v1::CaseStudy& c) const override { return c.owner_collaborative(); }
  std::vector<std::string> ParticipantsOf(const v1::CaseStudy& c) const override {
    return {c.collaboratives().begin(), c.collaboratives().end()};
  }
  bool IsDraftResource(const v1::CaseStudy& c) const override {
    return c.publication_state() == v1::DRAFT;
  }

  void DescribeForSearch(const v1::CaseStudy& c, const SearchInputs&,
                         index::Document* doc) const override {
    AddSearchTitle(c.title(), doc);
    for (const std::string* text : {&c.summary(), &c.challenge(), &c.actions_taken(),
                                    &c.impact().description(), &c.next_steps()}) {
      AddSearchText(*text, doc);
    }
    for (const v1::ImpactMetric& m : c.impact().metrics()) AddSearchText(m.name(), doc);
    AddSearchText(absl::StrJoin(c.organisations(), ". "), doc);
    AddSearchTopics(c.topics(), doc);
    doc->snippet_source = absl::StrCat(c.summary(), " ", c.impact().description());
  }
};

}  // namespace

const RecordKind& CaseStudyKind() {
  static const auto* kind = new CaseStudyKindImpl;
  return *kind;
}

}  // namespace psc::registry
