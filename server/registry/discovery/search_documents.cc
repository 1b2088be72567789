#include "server/registry/discovery/search_documents.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "psc/registry/v1/case_study.pb.h"
#include "psc/registry/v1/collaborative.pb.h"
#include "psc/registry/v1/resource.pb.h"

namespace psc::registry {
namespace {

using index::Document;

constexpr int kTitleWeight = 3;

void AddTopics(const google::protobuf::RepeatedPtrField<std::string>& topics, Document* doc) {
  for (const std::string& topic : topics) {
    doc->text.push_back({"topic", topic, 2});
    doc->terms.push_back({"topic", absl::AsciiStrToLower(topic)});
  }
}

void Start(absl::string_view kind, const std::string& name, const std::string& title,
           Document* doc) {
  doc->id = name;
  doc->title = title;
  doc->terms.push_back({"kind", std::string(kind)});
  doc->text.push_back({"title", title, kTitleWeight});
}

void Add(Document* doc, const std::string& text) {
  if (!text.empty()) doc->text.push_back({"", text, 1});
}

Document OfCollaborative(const v1::Collaborative& c) {
  Document doc;
  Start("collaboratives", c.name(), c.display_name(), &doc);
  Add(&doc, c.host_ahsn());
  doc.terms.push_back({"collaborative", c.name()});
  doc.terms.push_back({"region", v1::Region_Name(c.region())});
  doc.snippet_source = absl::StrCat(c.display_name(), ", hosted by ", c.host_ahsn());
  return doc;
}

Document OfInitiative(const v1::Initiative& i) {
  Document doc;
  Start("initiatives", i.name(), i.title(), &doc);
  Add(&doc, i.summary());
  Add(&doc, i.local_priority());
  Add(&doc, i.qi_method());
  Add(&doc, absl::StrJoin(i.care_settings(), ". "));
  for (const v1::Measure& m : i.measures())
    Add(&doc, absl::StrCat(m.name(), ". ", m.operational_definition()));
  AddTopics(i.topics(), &doc);
  doc.terms.push_back({"lead", i.lead_collaborative()});
  doc.terms.push_back({"collaborative", i.lead_collaborative()});
  for (const std::string& p : i.participant_collaboratives())
    doc.terms.push_back({"collaborative", p});
  doc.terms.push_back({"workstream", v1::Workstream_Name(i.workstream())});
  doc.terms.push_back({"status", v1::InitiativeStatus_Name(i.status())});
  doc.snippet_source = i.summary();
  return doc;
}

Document OfCaseStudy(const v1::CaseStudy& c) {
  Document doc;
  Start("caseStudies", c.name(), c.title(), &doc);
  for (const std::string* text : {&c.summary(), &c.challenge(), &c.actions_taken(),
                                  &c.impact().description(), &c.next_steps()}) {
    Add(&doc, *text);
  }
  for (const v1::ImpactMetric& m : c.impact().metrics()) Add(&doc, m.name());
  Add(&doc, absl::StrJoin(c.organisations(), ". "));
  AddTopics(c.topics(), &doc);
  doc.terms.push_back({"collaborative", c.owner_collaborative()});
  for (const std::string& p : c.collaboratives()) doc.terms.push_back({"collaborative", p});
  doc.terms.push_back({"publication_state", v1::PublicationState_Name(c.publication_state())});
  doc.snippet_source = absl::StrCat(c.summary(), " ", c.impact().description());
  return doc;
}

Document OfExpert(const v1::Expert& e, int free_days) {
  Document doc;
  Start("experts", e.name(), e.display_name(), &doc);
  Add(&doc, e.job_title());
  Add(&doc, e.organisation());
  Add(&doc, e.bio());
  for (const v1::Credential& c : e.credentials())
    Add(&doc, absl::StrCat(c.title(), " ", c.issuer()));
  std::vector<std::string> skills;
  for (const v1::ExpertSkill& s : e.skills()) {
    doc.text.push_back({"skill", SkillLabel(s.skill()), 2});
    doc.terms.push_back({"skill", v1::Skill_Name(s.skill())});
    for (int level = 1; level <= s.level(); ++level) {
      doc.terms.push_back({"skill_level", absl::StrCat(v1::Skill_Name(s.skill()), ":", level)});
    }
    doc.numbers.push_back({SkillLevelSlot(s.skill()), static_cast<double>(s.level())});
    skills.push_back(SkillLabel(s.skill()));
  }
  for (int r : e.regions()) doc.terms.push_back({"region", v1::Region_Name(r)});
  doc.terms.push_back({"collaborative", e.home_collaborative()});
  doc.terms.push_back({"shareable", e.shareable() ? "true" : "false"});
  doc.numbers.push_back({kFreeDaysSlot, static_cast<double>(free_days)});
  doc.snippet_source =
      absl::StrCat(e.job_title(), ". Skills: ", absl::StrJoin(skills, ", "), ". ", e.bio());
  return doc;
}

Document OfResource(const v1::Resource& r) {
  Document doc;
  Start("resources", r.name(), r.title(), &doc);
  Add(&doc, r.description());
  Add(&doc, r.access_terms());
  AddTopics(r.topics(), &doc);
  doc.terms.push_back({"collaborative", r.provider()});
  doc.terms.push_back({"resource_kind", v1::ResourceKind_Name(r.kind())});
  doc.snippet_source = r.description();
  return doc;
}

}  // namespace

std::string SkillLabel(v1::Skill skill) {
  if (skill == v1::SAFETY_CULTURE_SKILL) return "safety culture";
  if (skill == v1::PATIENT_PUBLIC_INVOLVEMENT) return "patient and public involvement";
  return absl::AsciiStrToLower(absl::StrReplaceAll(v1::Skill_Name(skill), {{"_", " "}}));
}

std::string SimilarityText(const v1::Initiative& i) {
  std::string text = absl::StrCat(i.title(), ". ", i.title(), ". ", i.summary(), ". ",
                                  absl::StrJoin(i.topics(), ". "), ". ", i.local_priority());
  for (const v1::Measure& m : i.measures()) absl::StrAppend(&text, ". ", m.name());
  return text;
}

index::Document SearchDocumentOf(const google::protobuf::Message& resource, int free_days) {
  if (auto* m = dynamic_cast<const v1::Initiative*>(&resource)) return OfInitiative(*m);
  if (auto* m = dynamic_cast<const v1::CaseStudy*>(&resource)) return OfCaseStudy(*m);
  if (auto* m = dynamic_cast<const v1::Expert*>(&resource)) return OfExpert(*m, free_days);
  if (auto* m = dynamic_cast<const v1::Resource*>(&resource)) return OfResource(*m);
  return OfCollaborative(dynamic_cast<const v1::Collaborative&>(resource));
}

}  // namespace psc::registry
