#include "absl/strings/match.h"
#include "psc/registry/v1/resource.pb.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/kinds/search_content.h"

namespace psc::registry {
namespace {

// Entries of the `resources` collection: cross-PSC resources.
class SharedResourceKindImpl final : public TypedKind<v1::Resource> {
 public:
  SharedResourceKindImpl()
      : TypedKind(KindSpec{
            .collection = "resources",
            .singular = "resource",
            .change_field = "resource",
            .record_field = "resource",
            .filters = {NameFilter("provider"), EnumFilter<v1::ResourceKind>("kind"),
                        FoldedFilter("topic", {"topics"})},
            .owner_field = "provider",
            .searchable = true,
            // Search's "kind" is the collection; its "collaborative" the provider.
            .search_renames = {{"provider", "collaborative"}, {"kind", "resource_kind"}},
        }) {}

 protected:
  void ValidateResource(const v1::Resource& r, std::vector<FieldViolation>* out) const override {
    Validator v(out);
    v.Text("title", r.title(), 200, /*required=*/true);
    v.Enum<v1::ResourceKind>("kind", r.kind(), /*required=*/true);
    if (r.provider().empty()) {
      v.Fail("provider", "is required");
    } else if (!IsNameIn(r.provider(), "collaboratives") && !IsNameIn(r.provider(), "national")) {
      v.Fail("provider", "must be collaboratives/{id} or national/{body}");
    }
    v.Text("description", r.description(), 4000);
    v.Url("link", r.link(), 2000);
    v.Text("access_terms", r.access_terms(), 2000);
    v.TextList("topics", r.topics(), 20, 64);
  }

  std::vector<Reference> ReferencesOf(const v1::Resource& r) const override {
    if (!absl::StartsWith(r.provider(), "collaboratives/")) return {};
    return {{"provider", r.provider()}};
  }

  // National bodies' resources belong to the national team.
  std::string OwnerOf(const v1::Resource& r) const override {
    return absl::StartsWith(r.provider(), "national/") ? "national" : r.provider();
  }

  void DescribeForSearch(const v1::Resource& r, const SearchInputs&,
                         index::Document* doc) const override {
    AddSearchTitle(r.title(), doc);
    AddSearchText(r.description(), doc);
    AddSearchText(r.access_terms(), doc);
    AddSearchTopics(r.topics(), doc);
    doc->snippet_source = r.description();
  }
};

}  // namespace

const RecordKind& SharedResourceKind() {
  static const auto* kind = new SharedResourceKindImpl;
  return *kind;
}

}  // namespace psc::registry
