// Adding a kind, proved with a kind that exists only in this test: its spec and hooks (the one
// place a kind's rules live) are all the registry needs for Create, Get, List with filters,
// Update, Delete, visibility for every role, the change log and its search document. The table
// check refuses it until the API can carry it (docs/architecture.md, "Adding a kind").

#include <algorithm>

#include "gtest/gtest.h"
#include "server/registry/access/visibility.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/fields/validator.h"
#include "server/registry/kinds/index_terms.h"
#include "server/registry/kinds/kind_check.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/kinds/search_content.h"
#include "tests/testing/registry_harness.h"

namespace psc::registry {
namespace {

using testing::AtlasCaller;
using testing::LeadOf;
using testing::RegistryHarness;

// "toolkits/{id}": a kind made for this test, stored in the Resource message.
class ToolkitKind final : public TypedKind<v1::Resource> {
 public:
  ToolkitKind()
      : TypedKind(KindSpec{
            .collection = "toolkits",
            .singular = "toolkit",
            .change_field = "resource",
            .filters = {NameFilter("provider"), EnumFilter<v1::ResourceKind>("kind")},
            .owner_field = "provider",
            .atlas_reads = std::vector<Term>{{"kind", "TRAINING"}},
            .searchable = true,
            .search_renames = {{"provider", "collaborative"}, {"kind", "toolkit_kind"}},
        }) {}

 protected:
  void ValidateResource(const v1::Resource& r, std::vector<FieldViolation>* out) const override {
    Validator(out).Text("title", r.title(), 50, /*required=*/true);
  }
  std::vector<Reference> ReferencesOf(const v1::Resource& r) const override {
    return {{"provider", r.provider()}};
  }
  std::string OwnerOf(const v1::Resource& r) const override { return r.provider(); }
  void DescribeForSearch(const v1::Resource& r, const SearchInputs&,
                         index::Document* doc) const override {
    AddSearchTitle(r.title(), doc);
    doc->snippet_source = r.description();
  }
};

// The same kind, claiming a search input of another message type (an expert's free days).
class MislabelledToolkitKind final : public TypedKind<v1::Resource> {
 public:
  MislabelledToolkitKind()
      : TypedKind(KindSpec{
            .collection = "toolkits",
            .singular = "toolkit",
            .change_field = "resource",
            .record_field = "resource",
            .owner_field = "provider",
            .searchable = true,
            .search_inputs = {SearchInput::kFreeDays},
        }) {}

 protected:
  void ValidateResource(const v1::Resource&, std::vector<FieldViolation>*) const override {}
  std::vector<Reference> ReferencesOf(const v1::Resource&) const override { return {}; }
  std::string OwnerOf(const v1::Resource& r) const override { return r.provider(); }
};

const ToolkitKind& Toolkits() {
  static const auto* kind = new ToolkitKind;
  return *kind;
}

v1::Resource Toolkit(const std::string& title, v1::ResourceKind kind) {
  v1::Resource r;
  r.set_title(title);
  r.set_provider("collaboratives/wessex");
  r.set_kind(kind);
  return r;
}

class TestKindTest : public ::testing::Test {
 protected:
  void SetUp() override { h_.AddCollaborative("wessex"); }
  RegistryHarness h_;
};

TEST_F(TestKindTest, TheSpecAloneServesEveryStandardMethod) {
  auto created = h_.Create(LeadOf("wessex"), Toolkits(), Toolkit("Huddle kit", v1::TOOLKIT), "kit");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "toolkits/kit");
  EXPECT_FALSE(created->etag().empty());
  ASSERT_TRUE(
      h_.Create(LeadOf("wessex"), Toolkits(), Toolkit("Course", v1::TRAINING), "course").ok());
  // Ownership from the spec: another PSC's lead may not create for Wessex.
  h_.AddCollaborative("oxford");
  EXPECT_EQ(h_.Create(LeadOf("oxford"), Toolkits(), Toolkit("x", v1::TOOLKIT), "x").status().code(),
            absl::StatusCode::kPermissionDenied);
  // Validation from the hooks, with paths under the spec's singular.
  auto invalid = h_.Create(LeadOf("wessex"), Toolkits(), Toolkit("", v1::TOOLKIT), "empty");
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);

  // List filters come from the spec's filters and the hooks' terms.
  ListParams params;
  params.filter = "kind = \"TOOLKIT\"";
  auto page = h_.registry().List(Caller::Admin(), Toolkits(), params);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->resources.size(), 1u);
  EXPECT_EQ(GetName(*page->resources[0]), "toolkits/kit");

  // Visibility from atlas_reads, the same on Get and List.
  EXPECT_EQ(h_.Get<v1::Resource>(AtlasCaller(), Toolkits(), "toolkits/kit").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(h_.Get<v1::Resource>(AtlasCaller(), Toolkits(), "toolkits/course").ok());
  auto atlas_page = h_.registry().List(AtlasCaller(), Toolkits(), {});
  ASSERT_TRUE(atlas_page.ok());
  ASSERT_EQ(atlas_page->resources.size(), 1u);
  EXPECT_EQ(GetName(*atlas_page->resources[0]), "toolkits/course");

  // The change log carries it in the spec's change_field.
  auto view = h_.store().Snapshot();
  EXPECT_EQ(view->sequence(), h_.store().last_sequence());
  ASSERT_TRUE(h_.Delete(LeadOf("wessex"), Toolkits(), "toolkits/kit").ok());
  EXPECT_EQ(h_.Get<v1::Resource>(Caller::Admin(), Toolkits(), "toolkits/kit").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TestKindTest, ItsSearchDocumentCarriesItsListTermsRenamed) {
  index::Document doc = Toolkits().SearchDocument(Toolkit("Course", v1::TRAINING));
  auto has = [&](const Term& t) {
    return std::find(doc.terms.begin(), doc.terms.end(), t) != doc.terms.end();
  };
  EXPECT_TRUE(has({"kind", "toolkits"}));
  EXPECT_TRUE(has({"collaborative", "collaboratives/wessex"}));
  EXPECT_TRUE(has({"toolkit_kind", "TRAINING"}));
  EXPECT_FALSE(has({"kind", "TRAINING"}));  // renamed, so it cannot pass for the collection
  EXPECT_EQ(doc.title, "Course");
  // What the atlas may see in search is what it may see in List: the same terms, renamed.
  for (const Term& t : Visibility::For(AtlasCaller(), Toolkits()).required()) {
    EXPECT_TRUE(has(Toolkits().SearchTerm(t))) << t.Encoded();
  }
}

TEST_F(TestKindTest, TheTableCheckRefusesAKindTheApiCannotCarry) {
  std::vector<const RecordKind*> kinds = EveryKind();
  kinds.push_back(&Toolkits());  // claims ChangeEvent.resource, which resources already has
  absl::Status status = CheckKinds(kinds);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("toolkits"), std::string::npos) << status;
}

// A filter reads its terms from a field of its own type: an enum filter over a string field
// is refused at start-up, naming the filter.
class MistypedToolkitKind final : public TypedKind<v1::Resource> {
 public:
  MistypedToolkitKind()
      : TypedKind(KindSpec{
            .collection = "toolkits",
            .singular = "toolkit",
            .change_field = "resource",
            .record_field = "resource",
            .filters = {EnumFilter<v1::ResourceKind>("kind", {"provider"})},
            .owner_field = "provider",
        }) {}

 protected:
  void ValidateResource(const v1::Resource&, std::vector<FieldViolation>*) const override {}
  std::vector<Reference> ReferencesOf(const v1::Resource&) const override { return {}; }
  std::string OwnerOf(const v1::Resource& r) const override { return r.provider(); }
};

TEST_F(TestKindTest, TheTableCheckRefusesAFilterReadingAFieldOfAnotherType) {
  static const auto* mistyped = new MistypedToolkitKind;
  std::vector<const RecordKind*> kinds = EveryKind();
  std::replace(kinds.begin(), kinds.end(), static_cast<const RecordKind*>(&SharedResourceKind()),
               static_cast<const RecordKind*>(mistyped));
  absl::Status status = CheckKinds(kinds);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("filter \"kind\" reads \"provider\""), std::string::npos)
      << status;
}

// The indexer computes a search input for the message type it belongs to, so a kind that
// claims another type's input is refused at start-up rather than misread at indexing time.
TEST_F(TestKindTest, TheTableCheckRefusesASearchInputOfAnotherType) {
  static const auto* mislabelled = new MislabelledToolkitKind;
  std::vector<const RecordKind*> kinds = EveryKind();
  std::replace(kinds.begin(), kinds.end(), static_cast<const RecordKind*>(&SharedResourceKind()),
               static_cast<const RecordKind*>(mislabelled));
  absl::Status status = CheckKinds(kinds);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("search_inputs"), std::string::npos) << status;
}

}  // namespace
}  // namespace psc::registry
