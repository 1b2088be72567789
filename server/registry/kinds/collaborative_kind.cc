#include "absl/strings/str_cat.h"
#include "psc/registry/v1/collaborative.pb.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/kinds/search_content.h"

namespace psc::registry {
namespace {

class CollaborativeKindImpl final : public TypedKind<v1::Collaborative> {
 public:
  CollaborativeKindImpl()
      : TypedKind(KindSpec{
            .collection = "collaboratives",
            .singular = "collaborative",
            .change_field = "collaborative",
            .record_field = "collaborative",
            .filters = {EnumFilter<v1::Region>("region")},
            .personal_fields = {"patient_safety_lead"},
            .network_writable = false,
            .searchable = true,
        }) {}

 protected:
  void ValidateResource(const v1::Collaborative& c,
                        std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Text("display_name", c.display_name(), 200, /*required=*/true);
    v.Text("host_ahsn", c.host_ahsn(), 200, /*required=*/true);
    v.Enum<v1::Region>("region", c.region(), /*required=*/true);
    v.Contact("patient_safety_lead", c.patient_safety_lead());
  }
  std::vector<Reference> ReferencesOf(const v1::Collaborative&) const override { return {}; }
  // A collaborative owns its own record (its lead may edit it); only admins create or delete.
  std::string OwnerOf(const v1::Collaborative& c) const override { return c.name(); }

  void DescribeForSearch(const v1::Collaborative& c, const SearchInputs&,
                         index::Document* doc) const override {
    AddSearchTitle(c.display_name(), doc);
    AddSearchText(c.host_ahsn(), doc);
    doc->terms.push_back({"collaborative", c.name()});
    doc->snippet_source = absl::StrCat(c.display_name(), ", hosted by ", c.host_ahsn());
  }
};

}  // namespace

const RecordKind& CollaborativeKind() {
  static const auto* kind = new CollaborativeKindImpl;
  return *kind;
}

}  // namespace psc::registry
