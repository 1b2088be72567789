// Every error path returns its code and reason and leaves the data unchanged.

#include "google/protobuf/util/message_differencer.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

class ErrorsTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    wessex_ = AddCollaborative("wessex");
    auto i = client_->CreateInitiative(MakeInitiative(wessex_), {.id = "huddles"});
    ASSERT_TRUE(i.ok());
    initiative_ = *i;
    sequence_ = client_->ListInitiatives({})->sequence();
  }

  // Nothing was written since SetUp: same sequence, same initiative.
  void ExpectUnchanged() {
    EXPECT_EQ(client_->ListInitiatives({})->sequence(), sequence_);
    auto now = client_->GetInitiative(initiative_.name());
    ASSERT_TRUE(now.ok());
    EXPECT_TRUE(MessageDifferencer::Equals(*now, initiative_));
  }

  void ExpectError(const absl::Status& status, absl::StatusCode code, const std::string& reason) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_EQ(Reason(status), reason) << status;
    EXPECT_EQ(client::GetErrorDetails(status).domain, "psc-registry");
    ExpectUnchanged();
  }

  std::string wessex_;
  v1::Initiative initiative_;
  uint64_t sequence_ = 0;
};

TEST_F(ErrorsTest, ValidationFailureListsEveryViolation) {
  v1::Initiative bad = MakeInitiative(wessex_);
  bad.clear_title();
  bad.mutable_measures(0)->clear_name();
  auto result = client_->CreateInitiative(bad);
  ExpectError(result.status(), absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED");
  auto details = client::GetErrorDetails(result.status());
  ASSERT_EQ(details.field_violations.size(), 2u);
  EXPECT_EQ(details.field_violations[0].field, "initiative.title");
  EXPECT_EQ(details.field_violations[0].description, "is required");
  EXPECT_EQ(details.field_violations[1].field, "initiative.measures[0].name");
}

TEST_F(ErrorsTest, BadIdsAndNames) {
  ExpectError(client_->CreateInitiative(MakeInitiative(wessex_), {.id = "Bad_Id"}).status(),
              absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED");
  ExpectError(client_->GetInitiative("experts/huddles").status(),
              absl::StatusCode::kInvalidArgument, "INVALID_NAME");
  ExpectError(client_->DeleteInitiative("initiatives/"), absl::StatusCode::kInvalidArgument,
              "INVALID_NAME");
}

TEST_F(ErrorsTest, MissingResources) {
  ExpectError(client_->GetInitiative("initiatives/nope").status(), absl::StatusCode::kNotFound,
              "RESOURCE_NOT_FOUND");
  v1::Initiative patch;
  patch.set_name("initiatives/nope");
  patch.set_title("x");
  ExpectError(client_->UpdateInitiative(patch).status(), absl::StatusCode::kNotFound,
              "RESOURCE_NOT_FOUND");
  ExpectError(client_->DeleteInitiative("initiatives/nope"), absl::StatusCode::kNotFound,
              "RESOURCE_NOT_FOUND");
}

TEST_F(ErrorsTest, DuplicateId) {
  ExpectError(client_->CreateInitiative(MakeInitiative(wessex_), {.id = "huddles"}).status(),
              absl::StatusCode::kAlreadyExists, "RESOURCE_EXISTS");
}

TEST_F(ErrorsTest, ReferencesMustResolve) {
  v1::Initiative i = MakeInitiative("collaboratives/atlantis");
  i.add_participant_collaboratives("collaboratives/lyonesse");
  auto result = client_->CreateInitiative(i);
  ExpectError(result.status(), absl::StatusCode::kFailedPrecondition, "REFERENCE_NOT_FOUND");
  auto details = client::GetErrorDetails(result.status());
  ASSERT_EQ(details.field_violations.size(), 2u);
  EXPECT_EQ(details.field_violations[1].field, "initiative.participant_collaboratives[0]");

  v1::Initiative patch;
  patch.set_name(initiative_.name());
  patch.set_adopted_from("initiatives/ghost");
  ExpectError(client_->UpdateInitiative(patch).status(), absl::StatusCode::kFailedPrecondition,
              "REFERENCE_NOT_FOUND");
  ExpectError(client_->CreateExpert(MakeExpert("collaboratives/atlantis")).status(),
              absl::StatusCode::kFailedPrecondition, "REFERENCE_NOT_FOUND");
  v1::CaseStudy cs = MakeCaseStudy(wessex_);
  cs.set_initiative("initiatives/ghost");
  ExpectError(client_->CreateCaseStudy(cs).status(), absl::StatusCode::kFailedPrecondition,
              "REFERENCE_NOT_FOUND");
}

TEST_F(ErrorsTest, ReferencedCollaborativeCannotBeDeleted) {
  ExpectError(client_->DeleteCollaborative(wessex_), absl::StatusCode::kFailedPrecondition,
              "RESOURCE_IN_USE");
  EXPECT_TRUE(client_->GetCollaborative(wessex_).ok());
}

TEST_F(ErrorsTest, StaleEtags) {
  v1::Initiative patch;
  patch.set_name(initiative_.name());
  patch.set_title("New title");
  ExpectError(client_->UpdateInitiative(patch, {}, "12345").status(), absl::StatusCode::kAborted,
              "ETAG_MISMATCH");
  ExpectError(client_->DeleteInitiative(initiative_.name(), "12345"), absl::StatusCode::kAborted,
              "ETAG_MISMATCH");
}

TEST_F(ErrorsTest, BadUpdateMasks) {
  v1::Initiative patch;
  patch.set_name(initiative_.name());
  google::protobuf::FieldMask mask;
  mask.add_paths("no_such_field");
  ExpectError(client_->UpdateInitiative(patch, mask).status(), absl::StatusCode::kInvalidArgument,
              "INVALID_UPDATE_MASK");
  // An update that would break a rule changes nothing.
  mask.Clear();
  mask.add_paths("title");
  ExpectError(client_->UpdateInitiative(patch, mask).status(), absl::StatusCode::kInvalidArgument,
              "VALIDATION_FAILED");
}

TEST_F(ErrorsTest, BadListParameters) {
  v1::ListInitiativesRequest request;
  request.set_page_size(-1);
  ExpectError(client_->ListInitiatives(request).status(), absl::StatusCode::kInvalidArgument,
              "INVALID_PAGE_SIZE");
  request.set_page_size(0);
  request.set_filter("colour = red");
  ExpectError(client_->ListInitiatives(request).status(), absl::StatusCode::kInvalidArgument,
              "INVALID_FILTER");
  request.set_filter("");
  request.set_order_by("title");
  ExpectError(client_->ListInitiatives(request).status(), absl::StatusCode::kInvalidArgument,
              "INVALID_ORDER_BY");

  // A token from one query is refused by another, and a tampered one by any.
  ASSERT_TRUE(client_->CreateInitiative(MakeInitiative(wessex_), {.id = "second"}).ok());
  sequence_ += 1;
  v1::ListInitiativesRequest first;
  first.set_page_size(1);
  auto page = client_->ListInitiatives(first);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_page_token().empty());
  v1::ListInitiativesRequest foreign;
  foreign.set_filter("workstream = SAFETY_CULTURE");
  foreign.set_page_token(page->next_page_token());
  ExpectError(client_->ListInitiatives(foreign).status(), absl::StatusCode::kInvalidArgument,
              "INVALID_PAGE_TOKEN");
  v1::ListInitiativesRequest tampered;
  tampered.set_page_token(page->next_page_token() + "x");
  ExpectError(client_->ListInitiatives(tampered).status(), absl::StatusCode::kInvalidArgument,
              "INVALID_PAGE_TOKEN");
}

TEST_F(ErrorsTest, OversizedRequestIsRefused) {
  v1::Initiative huge = MakeInitiative(wessex_);
  huge.set_summary(std::string(2 << 20, 'x'));
  EXPECT_EQ(client_->CreateInitiative(huge).status().code(), absl::StatusCode::kResourceExhausted);
  ExpectUnchanged();
}

}  // namespace
}  // namespace psc::testing
