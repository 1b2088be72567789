// Every error path returns its code and reason and leaves the data unchanged.

#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/wire_format_lite.h"
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

  // As ExpectError for INVALID_ARGUMENT, and the BadRequest names `field`.
  void ExpectBadField(const absl::Status& status, const std::string& reason,
                      const std::string& field) {
    ExpectError(status, absl::StatusCode::kInvalidArgument, reason);
    auto violations = client::GetErrorDetails(status).field_violations;
    ASSERT_EQ(violations.size(), 1u) << status;
    EXPECT_EQ(violations[0].field, field) << status;
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
  ExpectError(client_->CreateInitiative(huge).status(), absl::StatusCode::kResourceExhausted,
              "REQUEST_TOO_LARGE");
  v1::ListInitiativesRequest list;
  list.set_filter(std::string((1 << 20) + 10, 'x'));
  ExpectError(client_->ListInitiatives(list).status(), absl::StatusCode::kResourceExhausted,
              "REQUEST_TOO_LARGE");
}

TEST_F(ErrorsTest, EveryInvalidArgumentNamesItsField) {
  v1::ListInitiativesRequest list;
  list.set_page_size(-1);
  ExpectBadField(client_->ListInitiatives(list).status(), "INVALID_PAGE_SIZE", "page_size");
  list.set_page_size(0);
  list.set_filter("colour = red");
  ExpectBadField(client_->ListInitiatives(list).status(), "INVALID_FILTER", "filter");
  list.set_filter("");
  list.set_order_by("title");
  ExpectBadField(client_->ListInitiatives(list).status(), "INVALID_ORDER_BY", "order_by");
  list.set_order_by("");
  list.set_page_token("forged");
  ExpectBadField(client_->ListInitiatives(list).status(), "INVALID_PAGE_TOKEN", "page_token");
  ExpectBadField(client_->GetInitiative("experts/huddles").status(), "INVALID_NAME", "name");
  v1::ListChangesRequest changes;
  changes.set_after_sequence(sequence_ + 100);
  ExpectBadField(client_->ListChanges(changes).status(), "CURSOR_AHEAD", "after_sequence");
  changes.set_after_sequence(0);
  changes.add_kinds("widgets");
  ExpectBadField(client_->ListChanges(changes).status(), "INVALID_KIND", "kinds");
  v1::SearchRequest search;
  search.set_min_sequence(sequence_ + 100);
  ExpectBadField(client_->Search(search).status(), "SEQUENCE_AHEAD", "min_sequence");
  // A request id reused for another request.
  ASSERT_TRUE(client_->CreateInitiative(MakeInitiative(wessex_), {.request_id = "r1"}).ok());
  sequence_ += 1;
  ExpectBadField(
      client_->CreateInitiative(MakeInitiative(wessex_, "Other"), {.request_id = "r1"}).status(),
      "REQUEST_ID_REUSED", "request_id");
}

TEST_F(ErrorsTest, AThousandBadFieldsGetAReadableBoundedError) {
  v1::Initiative bad = MakeInitiative(wessex_);
  for (int i = 0; i < 1000; ++i) bad.add_topics("");
  auto result = client_->CreateInitiative(bad);  // the default client: 8 KiB of headers
  ExpectError(result.status(), absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED");
  auto violations = client::GetErrorDetails(result.status()).field_violations;
  ASSERT_EQ(violations.size(), 21u);  // 20, then one saying how many more
  EXPECT_EQ(violations[0].field, "initiative.topics");
  EXPECT_NE(violations.back().description.find("more violations"), std::string::npos);
  // The connection is fine for the next call.
  EXPECT_TRUE(client_->GetInitiative(initiative_.name()).ok());
}

TEST_F(ErrorsTest, LengthsCountCharactersAndEchoesStayValidUtf8) {
  std::string e_acute;
  for (int i = 0; i < 150; ++i) e_acute += "\u00e9";  // 150 characters, 300 bytes
  v1::Initiative accented = MakeInitiative(wessex_, e_acute);
  auto created = client_->CreateInitiative(accented);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->title(), e_acute);
  sequence_ += 1;
  std::string too_long;
  for (int i = 0; i < 201; ++i) too_long += "\u00e9";
  auto refused = client_->CreateInitiative(MakeInitiative(wessex_, too_long));
  ExpectError(refused.status(), absl::StatusCode::kInvalidArgument, "VALIDATION_FAILED");
  EXPECT_EQ(client::GetErrorDetails(refused.status()).field_violations.at(0).description,
            "is 201 characters; at most 200 are allowed");
  // A long name of two-byte characters is echoed cut between characters, never inside one.
  std::string name = "initiatives/";
  for (int i = 0; i < 300; ++i) name += "\u00e9";
  auto bad_name = client_->GetInitiative(name);
  ExpectBadField(bad_name.status(), "INVALID_NAME", "name");
  EXPECT_TRUE(google::protobuf::internal::WireFormatLite::VerifyUtf8String(
      bad_name.status().message().data(), bad_name.status().message().size(),
      google::protobuf::internal::WireFormatLite::PARSE, "message"));
}

TEST_F(ErrorsTest, TheEtagOnTheResourceIsHonoured) {
  v1::Initiative patch;
  patch.set_name(initiative_.name());
  patch.set_title("Renamed");
  patch.set_etag("1");  // stale
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  ExpectError(client_->UpdateInitiative(patch, mask).status(), absl::StatusCode::kAborted,
              "ETAG_MISMATCH");
  patch.set_etag(initiative_.etag());
  ExpectError(client_->UpdateInitiative(patch, mask, "999").status(),
              absl::StatusCode::kInvalidArgument, "ETAG_CONFLICT");
  auto updated = client_->UpdateInitiative(patch, mask, initiative_.etag());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title(), "Renamed");
}

TEST_F(ErrorsTest, AdoptionCyclesAreRefused) {
  v1::Initiative b = MakeInitiative(wessex_, "Adopted");
  b.set_adopted_from(initiative_.name());
  auto adopted = client_->CreateInitiative(b, {.id = "adopted"});
  ASSERT_TRUE(adopted.ok()) << adopted.status();
  v1::Initiative c = MakeInitiative(wessex_, "Adopted again");
  c.set_adopted_from(adopted->name());
  ASSERT_TRUE(client_->CreateInitiative(c, {.id = "again"}).ok());
  sequence_ += 2;
  // huddles <- adopted <- again: huddles may not now adopt from `again`.
  v1::Initiative patch;
  patch.set_name(initiative_.name());
  patch.set_adopted_from("initiatives/again");
  google::protobuf::FieldMask mask;
  mask.add_paths("adopted_from");
  ExpectError(client_->UpdateInitiative(patch, mask).status(),
              absl::StatusCode::kFailedPrecondition, "ADOPTION_CYCLE");
}

}  // namespace
}  // namespace psc::testing
