#include "psc/registry/v1/collaborative.pb.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/fields/validator.h"

namespace psc::registry {
namespace {

class CollaborativeKindImpl final : public TypedKind<v1::Collaborative> {
 public:
  absl::string_view collection() const override { return "collaboratives"; }
  absl::string_view singular() const override { return "collaborative"; }
  const std::vector<FilterField>& filter_fields() const override {
    static const auto* fields = new std::vector<FilterField>{EnumFilter<v1::Region>("region")};
    return *fields;
  }

 protected:
  void ValidateResource(const v1::Collaborative& c,
                        std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Text("display_name", c.display_name(), 200, /*required=*/true);
    v.Text("host_ahsn", c.host_ahsn(), 200, /*required=*/true);
    v.Enum<v1::Region>("region", c.region(), /*required=*/true);
    v.Contact("patient_safety_lead", c.patient_safety_lead());
  }
  std::vector<IndexTerm> TermsOf(const v1::Collaborative& c) const override {
    std::vector<IndexTerm> terms;
    AddEnumTerm<v1::Region>(&terms, "region", c.region());
    return terms;
  }
  std::vector<Reference> ReferencesOf(const v1::Collaborative&) const override { return {}; }
  // A collaborative owns its own record; only admins create or delete collaboratives.
  std::string OwnerOf(const v1::Collaborative& c) const override { return c.name(); }
  std::string owner_field() const override { return ""; }
  std::vector<std::string> personal_fields() const override { return {"patient_safety_lead"}; }
};

}  // namespace

const ResourceKind& CollaborativeKind() {
  static const auto* kind = new CollaborativeKindImpl;
  return *kind;
}

}  // namespace psc::registry
