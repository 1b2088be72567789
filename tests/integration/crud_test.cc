// Create, get, list, update and delete of every kind through the real client and server.

#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"

namespace psc::testing {
namespace {

using google::protobuf::FieldMask;
using google::protobuf::util::MessageDifferencer;

class CrudTest : public RegistryTest {};

FieldMask Mask(std::initializer_list<const char*> paths) {
  FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

TEST_F(CrudTest, Collaboratives) {
  auto created = client_->CreateCollaborative(MakeCollaborative("Wessex PSC"), {.id = "wessex"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "collaboratives/wessex");
  EXPECT_FALSE(created->etag().empty());
  EXPECT_TRUE(created->has_create_time());

  auto got = client_->GetCollaborative("collaboratives/wessex");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(MessageDifferencer::Equals(*got, *created));

  v1::Collaborative patch;
  patch.set_name(created->name());
  patch.set_host_ahsn("Wessex Academic Health Science Network");
  auto updated = client_->UpdateCollaborative(patch, Mask({"host_ahsn"}));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->host_ahsn(), "Wessex Academic Health Science Network");
  EXPECT_EQ(updated->display_name(), "Wessex PSC");  // untouched
  EXPECT_NE(updated->etag(), created->etag());
  EXPECT_EQ(updated->create_time().seconds(), created->create_time().seconds());

  auto all = client_->ListAllCollaboratives();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].host_ahsn(), updated->host_ahsn());

  ASSERT_TRUE(client_->DeleteCollaborative(created->name()).ok());
  EXPECT_EQ(client_->GetCollaborative(created->name()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CrudTest, Initiatives) {
  std::string lead = AddCollaborative("wessex");
  std::string partner = AddCollaborative("oxford");
  v1::Initiative input = MakeInitiative(lead);
  input.add_participant_collaboratives(partner);
  auto created = client_->CreateInitiative(input);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->name().starts_with("initiatives/"));
  EXPECT_EQ(created->status(), v1::PROPOSED);
  EXPECT_EQ(created->measurement_plan_status(), v1::COMPLETE);

  // Dropping the milestones makes the derived plan status incomplete on the same write.
  v1::Initiative patch;
  patch.set_name(created->name());
  auto updated = client_->UpdateInitiative(patch, Mask({"milestones"}));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->measurement_plan_status(), v1::INCOMPLETE);
  EXPECT_EQ(updated->measurement_plan_gaps(0), "no milestone");
  EXPECT_EQ(updated->title(), input.title());

  auto got = client_->GetInitiative(created->name());
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(MessageDifferencer::Equals(*got, *updated));
  ASSERT_TRUE(client_->DeleteInitiative(created->name(), updated->etag()).ok());
  EXPECT_TRUE(client_->ListAllInitiatives()->empty());
}

TEST_F(CrudTest, CaseStudies) {
  std::string owner = AddCollaborative("wessex");
  auto initiative = client_->CreateInitiative(MakeInitiative(owner), {.id = "huddles"});
  ASSERT_TRUE(initiative.ok());
  v1::CaseStudy input = MakeCaseStudy(owner);
  input.set_initiative(initiative->name());
  auto created = client_->CreateCaseStudy(input, {.id = "sepsis-dashboard"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->publication_state(), v1::DRAFT);

  v1::CaseStudy patch;
  patch.set_name(created->name());
  patch.set_publication_state(v1::PUBLISHED);
  auto updated = client_->UpdateCaseStudy(patch);  // empty mask: the fields set in the patch
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->publication_state(), v1::PUBLISHED);
  EXPECT_EQ(updated->title(), input.title());
  EXPECT_EQ(client_->GetCaseStudy("caseStudies/sepsis-dashboard")->publication_state(),
            v1::PUBLISHED);
  // The initiative is referenced by the case study, so it cannot go first.
  EXPECT_EQ(Reason(client_->DeleteInitiative(initiative->name())), "RESOURCE_IN_USE");
  ASSERT_TRUE(client_->DeleteCaseStudy(created->name()).ok());
  ASSERT_TRUE(client_->DeleteInitiative(initiative->name()).ok());
}

TEST_F(CrudTest, Experts) {
  std::string home = AddCollaborative("wessex");
  auto created = client_->CreateExpert(MakeExpert(home));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->contact().email(), "demo.person@example.org");
  v1::Expert patch;
  patch.set_name(created->name());
  patch.set_days_per_month_offered(4);
  auto updated = client_->UpdateExpert(patch, Mask({"days_per_month_offered"}), created->etag());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->days_per_month_offered(), 4);
  EXPECT_EQ(client_->ListAllExperts()->size(), 1u);
  ASSERT_TRUE(client_->DeleteExpert(created->name()).ok());
  EXPECT_EQ(client_->GetExpert(created->name()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CrudTest, Resources) {
  std::string provider = AddCollaborative("wessex");
  auto national = client_->CreateResource(MakeResource("national/psmu"), {.id = "psmu"});
  ASSERT_TRUE(national.ok()) << national.status();
  auto local = client_->CreateResource(MakeResource(provider, "Human factors toolkit"));
  ASSERT_TRUE(local.ok()) << local.status();
  v1::Resource patch;
  patch.set_name(national->name());
  patch.add_topics("measurement");
  auto updated = client_->UpdateResource(patch, Mask({"topics"}));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->topics_size(), 1);
  EXPECT_EQ(client_->ListAllResources()->size(), 2u);
  ASSERT_TRUE(client_->DeleteResource(national->name()).ok());
  ASSERT_TRUE(client_->DeleteResource(local->name()).ok());
  EXPECT_TRUE(client_->ListAllResources()->empty());
}

// The client's generic methods, which serve every kind through the API's descriptors (the
// named ones above are these): the whole life of a record of one kind, each kind's List by its
// request type, and a message that is no kind refused without a call.
TEST_F(CrudTest, TheGenericMethodsServeAnyKind) {
  AddCollaborative("wessex");
  auto created = client_->Create(MakeResource("collaboratives/wessex"), {.id = "toolkit"});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "resources/toolkit");
  auto got = client_->Get<v1::Resource>("resources/toolkit");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*got, *created));
  EXPECT_EQ(client_->Get<v1::Expert>("resources/toolkit").status().code(),
            absl::StatusCode::kInvalidArgument);  // the name is not an expert's
  v1::Resource patch;
  patch.set_name(created->name());
  patch.set_description("Updated through Update<T>");
  auto updated = client_->Update(patch, Mask({"description"}), created->etag());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->description(), "Updated through Update<T>");
  EXPECT_EQ(client_->Update(patch, Mask({"description"}), created->etag()).status().code(),
            absl::StatusCode::kAborted);  // the etag moved on

  auto all = client_->ListAll<v1::Resource>("provider = \"collaboratives/wessex\"");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].description(), "Updated through Update<T>");
  v1::ListCollaborativesRequest request;
  request.set_page_size(1);
  auto page = client_->ListPage<v1::ListCollaborativesResponse>(request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->collaboratives_size(), 1);
  EXPECT_GT(page->sequence(), 0u);

  // A record of any kind, as exports and the benchmarks' generator hold it.
  v1::RegistryRecord held;
  *held.mutable_expert() = MakeExpert("collaboratives/wessex");
  auto expert = client_->CreateHeld(held, {.id = "held"});
  ASSERT_TRUE(expert.ok()) << expert.status();
  EXPECT_EQ(expert->expert().name(), "experts/held");
  EXPECT_EQ(client_->CreateHeld(v1::RegistryRecord()).status().code(),
            absl::StatusCode::kInvalidArgument);

  ASSERT_TRUE(client_->Delete<v1::Resource>("resources/toolkit").ok());
  EXPECT_EQ(client_->Get<v1::Resource>("resources/toolkit").status().code(),
            absl::StatusCode::kNotFound);
  // Not a kind: refused by the client, naming the type.
  auto principal = client_->Get<v1::Principal>("people/nobody");
  EXPECT_EQ(principal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(principal.status().message().find("psc.registry.v1.Principal"), std::string::npos)
      << principal.status();
  v1::GetCallerRequest not_a_list;
  EXPECT_EQ(client_->ListPage<v1::Principal>(not_a_list).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The same with the kind chosen at run time, as the psc CLI calls them: pages of records of a
// descriptor's kind, in order, with the page's sequence; a type that is no kind refused.
TEST_F(CrudTest, TheRunTimeKindMethodsServeAnyKind) {
  for (const char* id : {"a", "b", "c"}) AddCollaborative(id);
  const auto* type = v1::Collaborative::descriptor();
  auto first = client_->ListRecords(type, {.page_size = 2, .order_by = "name"});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->records.size(), 2u);
  EXPECT_EQ(first->records[0]->GetDescriptor(), type);
  EXPECT_EQ(static_cast<const v1::Collaborative&>(*first->records[0]).name(), "collaboratives/a");
  EXPECT_EQ(static_cast<const v1::Collaborative&>(*first->records[1]).name(), "collaboratives/b");
  EXPECT_GT(first->sequence, 0u);
  ASSERT_FALSE(first->next_page_token.empty());
  auto last = client_->ListRecords(
      type, {.page_size = 2, .page_token = first->next_page_token, .order_by = "name"});
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->records.size(), 1u);
  EXPECT_EQ(static_cast<const v1::Collaborative&>(*last->records[0]).name(), "collaboratives/c");
  EXPECT_TRUE(last->next_page_token.empty());
  EXPECT_EQ(client_->ListRecords(type, {.filter = "no_such_field = 1"}).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::Collaborative got;
  ASSERT_TRUE(client_->GetRecord("collaboratives/b", &got).ok());
  v1::Collaborative patch;
  patch.set_name(got.name());
  patch.set_host_ahsn("Changed at run time");
  v1::Collaborative updated;
  EXPECT_EQ(client_->UpdateRecord(patch, Mask({"host_ahsn"}), {.etag = "stale"}, &updated).code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(
      client_->UpdateRecord(patch, Mask({"host_ahsn"}), {.etag = got.etag()}, &updated).ok());
  EXPECT_EQ(updated.host_ahsn(), "Changed at run time");
  ASSERT_TRUE(client_->DeleteRecord(type, "collaboratives/c").ok());
  EXPECT_EQ(client_->GetRecord("collaboratives/c", &got).code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(client_->ListRecords(v1::Principal::descriptor(), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->DeleteRecord(v1::Principal::descriptor(), "people/x").code(),
            absl::StatusCode::kInvalidArgument);
}

// AIP-163: a create with validate_only checks everything a create does (rules, references,
// the id, permission) and returns the record as it would be, with its similar-work hint, but
// writes nothing: no record, no change in the log, the id still free.
TEST_F(CrudTest, ValidateOnlyChecksEverythingAndWritesNothing) {
  AddCollaborative("wessex");
  AddCollaborative("oxford");
  ASSERT_TRUE(
      client_->CreateInitiative(MakeInitiative("collaboratives/oxford"), {.id = "first"}).ok());
  const uint64_t before = client_->ListInitiatives({})->sequence();
  absl::StatusOr<v1::Initiative> checked;
  // Oxford's, the same work, is found once the search index has it.
  EXPECT_TRUE(Eventually([&] {
    checked = client_->CreateInitiative(MakeInitiative("collaboratives/wessex"),
                                        {.id = "second", .validate_only = true});
    return checked.ok() && checked->similar_initiatives_size() == 1;
  })) << checked.status();
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->name(), "initiatives/second");
  EXPECT_FALSE(checked->has_create_time());  // never stored
  EXPECT_EQ(client_->GetInitiative("initiatives/second").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->ListInitiatives({})->sequence(), before);

  v1::Initiative broken = MakeInitiative("collaboratives/wessex");
  broken.clear_title();
  auto invalid = client_->CreateInitiative(broken, {.validate_only = true});
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reason(invalid.status()), "VALIDATION_FAILED");
  auto taken = client_->CreateInitiative(MakeInitiative("collaboratives/wessex"),
                                         {.id = "first", .validate_only = true});
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kAlreadyExists);
  auto dangling =
      client_->CreateInitiative(MakeInitiative("collaboratives/nowhere"), {.validate_only = true});
  EXPECT_EQ(dangling.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ClientAs("reader")
                ->CreateInitiative(MakeInitiative("collaboratives/wessex"), {.validate_only = true})
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // A kind whose create has no validate_only is refused by the client, never created.
  auto expert = client_->CreateExpert(MakeExpert("collaboratives/wessex"), {.validate_only = true});
  EXPECT_EQ(expert.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client_->ListInitiatives({})->sequence(), before);
}

TEST_F(CrudTest, ServerOwnedFieldsAreIgnoredOnCreateAndRefusedInMasks) {
  std::string home = AddCollaborative("wessex");
  v1::Expert input = MakeExpert(home);
  input.set_name("experts/chosen-by-client");
  input.set_etag("forged");
  input.mutable_create_time()->set_seconds(1);
  auto created = client_->CreateExpert(input, {.id = "real-id"});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->name(), "experts/real-id");
  EXPECT_NE(created->etag(), "forged");
  EXPECT_GT(created->create_time().seconds(), 1);

  for (const char* path : {"create_time", "etag", "name", "update_time"}) {
    v1::Expert patch = *created;
    auto result = client_->UpdateExpert(patch, Mask({path}));
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(Reason(result.status()), "INVALID_UPDATE_MASK") << path;
  }
  v1::Initiative i = MakeInitiative(home);
  auto initiative = client_->CreateInitiative(i);
  ASSERT_TRUE(initiative.ok());
  EXPECT_EQ(
      Reason(client_->UpdateInitiative(*initiative, Mask({"measurement_plan_status"})).status()),
      "INVALID_UPDATE_MASK");
}

}  // namespace
}  // namespace psc::testing
