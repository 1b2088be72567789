#include "server/registry/kinds/expert_kind.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "psc/registry/v1/display_name.h"
#include "psc/registry/v1/expert.pb.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/kinds/search_content.h"

namespace psc::registry {
namespace {

class ExpertKindImpl final : public TypedKind<v1::Expert> {
 public:
  ExpertKindImpl()
      : TypedKind(KindSpec{
            .collection = "experts",
            .singular = "expert",
            .change_field = "expert",
            .record_field = "expert",
            .filters = {NameFilter("home_collaborative"),
                        EnumFilter<v1::Skill>("skill", {"skills.skill"}), BoolFilter("shareable"),
                        EnumFilter<v1::Region>("region", {"regions"})},
            .owner_field = "home_collaborative",
            .personal_fields = {"contact"},
            .searchable = true,
            .search_inputs = {SearchInput::kFreeDays},
            .search_renames = {{"home_collaborative", "collaborative"}},
        }) {}

 protected:
  void ValidateResource(const v1::Expert& e, std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Text("display_name", e.display_name(), 200, /*required=*/true);
    v.Name("home_collaborative", e.home_collaborative(), "collaboratives", /*required=*/true);
    v.Text("organisation", e.organisation(), 200);
    v.Text("job_title", e.job_title(), 200);
    if (e.skills().empty()) v.Fail("skills", "at least one skill is required");
    v.Count("skills", e.skills_size(), 10);
    absl::flat_hash_set<int> skills;
    for (int k = 0; k < e.skills_size(); ++k) {
      std::string path = Indexed("skills", k);
      v.Enum<v1::Skill>(Sub(path, "skill"), e.skills(k).skill(), /*required=*/true);
      v.Enum<v1::SkillLevel>(Sub(path, "level"), e.skills(k).level(), /*required=*/true);
      if (!skills.insert(e.skills(k).skill()).second) v.Fail(path, "repeats a skill");
    }
    v.Count("credentials", e.credentials_size(), 20);
    for (int k = 0; k < e.credentials_size(); ++k) {
      const v1::Credential& c = e.credentials(k);
      std::string path = Indexed("credentials", k);
      v.Text(Sub(path, "title"), c.title(), 200, /*required=*/true);
      v.Text(Sub(path, "issuer"), c.issuer(), 200);
      v.Text(Sub(path, "identifier"), c.identifier(), 128);
      v.Date(Sub(path, "renewal_date"), c.has_renewal_date() ? &c.renewal_date() : nullptr);
    }
    absl::flat_hash_set<int> regions;
    for (int k = 0; k < e.regions_size(); ++k) {
      v.Enum<v1::Region>(Indexed("regions", k), e.regions(k), /*required=*/true);
      if (!regions.insert(e.regions(k)).second) v.Fail(Indexed("regions", k), "is a duplicate");
    }
    v.Range("days_per_month_offered", e.days_per_month_offered(), 0, 31);
    v.Text("bio", e.bio(), 4000);
    v.Contact("contact", e.contact());
  }

  std::vector<Reference> ReferencesOf(const v1::Expert& e) const override {
    return {{"home_collaborative", e.home_collaborative()}};
  }

  std::string OwnerOf(const v1::Expert& e) const override { return e.home_collaborative(); }

  void DescribeForSearch(const v1::Expert& e, const SearchInputs& inputs,
                         index::Document* doc) const override {
    AddSearchTitle(e.display_name(), doc);
    AddSearchText(e.job_title(), doc);
    AddSearchText(e.organisation(), doc);
    AddSearchText(e.bio(), doc);
    for (const v1::Credential& c : e.credentials()) {
      AddSearchText(absl::StrCat(c.title(), " ", c.issuer()), doc);
    }
    std::vector<std::string> skills;
    for (const v1::ExpertSkill& s : e.skills()) {
      doc->text.push_back({"skill", v1::DisplayName(s.skill()), 2});
      for (int level = 1; level <= s.level(); ++level) {
        doc->terms.push_back({"skill_level", absl::StrCat(v1::Skill_Name(s.skill()), ":", level)});
      }
      doc->numbers.push_back({SkillLevelSlot(s.skill()), static_cast<double>(s.level())});
      skills.push_back(v1::DisplayName(s.skill()));
    }
    doc->numbers.push_back({kFreeDaysSlot, static_cast<double>(inputs.free_days)});
    doc->snippet_source =
        absl::StrCat(e.job_title(), ". Skills: ", absl::StrJoin(skills, ", "), ". ", e.bio());
  }
};

}  // namespace

const RecordKind& ExpertKind() {
  static const auto* kind = new ExpertKindImpl;
  return *kind;
}

}  // namespace psc::registry
