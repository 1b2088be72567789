// The role-by-operation matrix: every role against every kind of operation, with the codes and
// reasons the server must give, plus ownership, redaction and audit.

#include <functional>
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

using google::protobuf::FieldMask;

FieldMask Mask(std::initializer_list<const char*> paths) {
  FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

class AuthorizationTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    AddCollaborative("wessex");
    AddCollaborative("oxford");
    v1::Initiative shared = MakeInitiative("collaboratives/wessex", "Shared huddles");
    shared.add_participant_collaboratives("collaboratives/oxford");
    shared.set_status(v1::ACTIVE);
    ASSERT_TRUE(client_->CreateInitiative(shared, {.id = "w-shared"}).ok());
    ASSERT_TRUE(
        client_->CreateInitiative(MakeInitiative("collaboratives/oxford"), {.id = "o-init"}).ok());
    ASSERT_TRUE(
        client_->CreateInitiative(MakeInitiative("collaboratives/wessex"), {.id = "w-draft"}).ok());
    v1::CaseStudy draft = MakeCaseStudy("collaboratives/wessex");
    draft.mutable_contact()->set_email("owner@example.org");
    ASSERT_TRUE(client_->CreateCaseStudy(draft, {.id = "cs-draft"}).ok());
    ASSERT_TRUE(client_->CreateCaseStudy(draft, {.id = "cs-to-publish"}).ok());
    draft.set_publication_state(v1::PUBLISHED);
    ASSERT_TRUE(client_->CreateCaseStudy(draft, {.id = "cs-published"}).ok());
    ASSERT_TRUE(
        client_->CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "w-expert"}).ok());
    for (const char* who :
         {"admin", "lead-wessex", "lead-oxford", "member-wessex", "atlas", "reader"}) {
      as_[who] = ClientAs(who);
    }
  }

  client::RegistryClient& As(const std::string& who) { return *as_.at(who); }

  std::map<std::string, std::unique_ptr<client::RegistryClient>> as_;
};

struct Row {
  std::string who;
  std::string operation;
  std::function<absl::Status(client::RegistryClient&)> call;
  absl::StatusCode code;
  std::string reason;  // "" when the call succeeds
};

v1::Initiative Patch(const std::string& name) {
  v1::Initiative i;
  i.set_name(name);
  return i;
}

TEST_F(AuthorizationTest, RoleByOperationMatrix) {
  using C = client::RegistryClient;
  const auto kOk = absl::StatusCode::kOk;
  const auto kDenied = absl::StatusCode::kPermissionDenied;
  const auto kNotFound = absl::StatusCode::kNotFound;
  int retitles = 0;  // each retitle sets a new title, so it is always a change
  auto retitle = [&retitles](const std::string& name) {
    return [name, n = ++retitles](C& c) {
      v1::Initiative p = Patch(name);
      p.set_title(absl::StrCat("Retitled ", n));
      return c.UpdateInitiative(p, Mask({"title"})).status();
    };
  };
  auto add_milestone = [](const std::string& name) {
    return [name](C& c) {
      v1::Initiative p = Patch(name);
      p.add_milestones()->set_title("Shared milestone");
      return c.UpdateInitiative(p, Mask({"milestones"})).status();
    };
  };
  auto create_initiative = [](const std::string& lead, v1::InitiativeStatus status) {
    return [lead, status](C& c) {
      v1::Initiative i = MakeInitiative(lead);
      i.set_status(status);
      return c.CreateInitiative(i).status();
    };
  };
  auto publish = [](const std::string& name) {
    return [name](C& c) {
      v1::CaseStudy p;
      p.set_name(name);
      p.set_publication_state(v1::PUBLISHED);
      return c.UpdateCaseStudy(p, Mask({"publication_state"})).status();
    };
  };
  auto read_all = [](C& c) {
    absl::Status s = c.ListAllInitiatives().status();
    if (s.ok()) s = c.ListAllExperts().status();
    if (s.ok()) s = c.GetCollaborative("collaboratives/wessex").status();
    return s;
  };
  auto history = [](C& c) {
    v1::ListResourceHistoryRequest r;
    r.set_name("initiatives/w-shared");
    return c.ListResourceHistory(r).status();
  };
  auto create_collaborative = [](C& c) {
    return c.CreateCollaborative(MakeCollaborative("New PSC")).status();
  };
  auto rename_collaborative = [](const std::string& name) {
    return [name](C& c) {
      v1::Collaborative p;
      p.set_name(name);
      p.set_display_name("Renamed");
      return c.UpdateCollaborative(p, Mask({"display_name"})).status();
    };
  };

  std::vector<Row> rows = {
      {"admin", "read every kind", read_all, kOk, ""},
      {"admin", "create a collaborative", create_collaborative, kOk, ""},
      {"admin", "retitle another PSC's initiative", retitle("initiatives/o-init"), kOk, ""},
      {"admin", "read history", history, kOk, ""},
      {"lead-wessex", "read every kind", read_all, kOk, ""},
      {"lead-wessex", "create initiative for own PSC",
       create_initiative("collaboratives/wessex", v1::ACTIVE), kOk, ""},
      {"lead-wessex", "create initiative for another PSC",
       create_initiative("collaboratives/oxford", v1::ACTIVE), kDenied, "NOT_OWNER"},
      {"lead-wessex", "retitle own initiative", retitle("initiatives/w-shared"), kOk, ""},
      {"lead-wessex", "retitle another PSC's initiative", retitle("initiatives/o-init"), kDenied,
       "NOT_OWNER"},
      {"lead-wessex", "delete another PSC's initiative",
       [](C& c) { return c.DeleteInitiative("initiatives/o-init"); }, kDenied, "NOT_OWNER"},
      {"lead-wessex", "update own collaborative", rename_collaborative("collaboratives/wessex"),
       kOk, ""},
      {"lead-wessex", "update another collaborative", rename_collaborative("collaboratives/oxford"),
       kDenied, "NOT_OWNER"},
      {"lead-wessex", "create a collaborative", create_collaborative, kDenied, "ROLE_NOT_ALLOWED"},
      {"lead-wessex", "read history", history, kDenied, "ROLE_NOT_ALLOWED"},
      {"lead-wessex", "publish own case study", publish("caseStudies/cs-to-publish"), kOk, ""},
      {"lead-oxford", "participant adds a milestone", add_milestone("initiatives/w-shared"), kOk,
       ""},
      {"lead-oxford", "participant retitles (lead-only field)", retitle("initiatives/w-shared"),
       kDenied, "LEAD_ONLY_FIELD"},
      {"lead-oxford", "move the initiative to itself",
       [](C& c) {
         v1::Initiative p = Patch("initiatives/w-shared");
         p.set_lead_collaborative("collaboratives/oxford");
         return c.UpdateInitiative(p, Mask({"lead_collaborative"})).status();
       },
       kDenied, "LEAD_ONLY_FIELD"},
      {"member-wessex", "create a draft initiative",
       create_initiative("collaboratives/wessex", v1::PROPOSED), kOk, ""},
      {"member-wessex", "create an active initiative",
       create_initiative("collaboratives/wessex", v1::ACTIVE), kDenied, "NOT_A_DRAFT"},
      {"member-wessex", "edit own PSC's draft", retitle("initiatives/w-draft"), kOk, ""},
      {"member-wessex", "edit own PSC's active initiative", retitle("initiatives/w-shared"),
       kDenied, "NOT_A_DRAFT"},
      {"member-wessex", "activate a draft",
       [](C& c) {
         v1::Initiative p = Patch("initiatives/w-draft");
         p.set_status(v1::ACTIVE);
         return c.UpdateInitiative(p, Mask({"status"})).status();
       },
       kDenied, "NOT_A_DRAFT"},
      {"member-wessex", "publish own PSC's draft case study", publish("caseStudies/cs-draft"),
       kDenied, "NOT_A_DRAFT"},
      {"member-wessex", "delete", [](C& c) { return c.DeleteInitiative("initiatives/w-draft"); },
       kDenied, "ROLE_NOT_ALLOWED"},
      {"atlas", "get a published case study",
       [](C& c) { return c.GetCaseStudy("caseStudies/cs-published").status(); }, kOk, ""},
      {"atlas", "get a draft case study",
       [](C& c) { return c.GetCaseStudy("caseStudies/cs-draft").status(); }, kNotFound,
       "RESOURCE_NOT_FOUND"},
      {"atlas", "list initiatives", [](C& c) { return c.ListAllInitiatives().status(); }, kDenied,
       "ROLE_NOT_ALLOWED"},
      {"atlas", "get an expert that exists",
       [](C& c) { return c.GetExpert("experts/w-expert").status(); }, kDenied, "ROLE_NOT_ALLOWED"},
      {"atlas", "get an expert that does not exist",
       [](C& c) { return c.GetExpert("experts/nobody").status(); }, kDenied, "ROLE_NOT_ALLOWED"},
      {"atlas", "update a case study", publish("caseStudies/cs-draft"), kDenied,
       "ROLE_NOT_ALLOWED"},
      {"reader", "read every kind", read_all, kOk, ""},
      {"reader", "create", create_initiative("collaboratives/wessex", v1::PROPOSED), kDenied,
       "ROLE_NOT_ALLOWED"},
      {"reader", "update a missing initiative", retitle("initiatives/missing"), kDenied,
       "ROLE_NOT_ALLOWED"},
      {"reader", "delete", [](C& c) { return c.DeleteExpert("experts/w-expert"); }, kDenied,
       "ROLE_NOT_ALLOWED"},
  };
  std::cout << "role           operation                                  result\n";
  for (const Row& row : rows) {
    absl::Status status = row.call(As(row.who));
    std::string got =
        status.ok() ? "OK"
                    : absl::StrCat(absl::StatusCodeToString(status.code()), " ", Reason(status));
    std::cout << row.who << std::string(15 - row.who.size(), ' ') << row.operation
              << std::string(row.operation.size() < 43 ? 43 - row.operation.size() : 1, ' ') << got
              << "\n";
    EXPECT_EQ(status.code(), row.code) << row.who << ": " << row.operation << ": " << status;
    if (!row.reason.empty()) {
      EXPECT_EQ(Reason(status), row.reason) << row.who << ": " << row.operation;
    }
  }
}

// A refusal says who the caller is in words and what they can do instead, never a role in
// capitals.
TEST_F(AuthorizationTest, RefusalsSayWhatTheCallerCanDoInstead) {
  absl::Status reader = As("reader").CreateInitiative(MakeInitiative("")).status();
  EXPECT_EQ(reader.message(),
            "a reader may not create initiatives: readers can search and read the registry; a "
            "lead or member of a collaborative can create them");
  absl::Status lead = As("lead-wessex").CreateCollaborative(MakeCollaborative("New")).status();
  EXPECT_EQ(lead.message(),
            "a lead of collaboratives/wessex may not create collaboratives: only the national "
            "team can create them");
  absl::Status member = As("member-wessex").DeleteExpert("experts/w-expert");
  EXPECT_EQ(member.message(),
            "a member of collaboratives/wessex may not delete experts: members create and edit "
            "them; a lead of the owning collaborative or the national team can delete them");
  absl::Status atlas = As("atlas").ListAllExperts().status();
  EXPECT_EQ(atlas.message(),
            "an AHSN Atlas sync may not read experts: the Atlas sync reads published case "
            "studies only");
}

TEST_F(AuthorizationTest, OwnershipComesFromTheIdentity) {
  v1::Initiative input = MakeInitiative("");
  input.set_etag("forged");
  auto created = As("lead-wessex").CreateInitiative(input);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->lead_collaborative(), "collaboratives/wessex");
  EXPECT_NE(created->etag(), "forged");
}

TEST_F(AuthorizationTest, ReaderAndAtlasGetNoPersonalData) {
  auto expert = As("reader").GetExpert("experts/w-expert");
  ASSERT_TRUE(expert.ok());
  EXPECT_FALSE(expert->has_contact());
  EXPECT_FALSE(expert->display_name().empty());
  auto experts = As("reader").ListAllExperts();
  ASSERT_TRUE(experts.ok());
  for (const auto& e : *experts) EXPECT_FALSE(e.has_contact());
  auto collaborative = As("reader").GetCollaborative("collaboratives/wessex");
  EXPECT_FALSE(collaborative->has_patient_safety_lead());
  auto published = As("atlas").GetCaseStudy("caseStudies/cs-published");
  ASSERT_TRUE(published.ok());
  EXPECT_FALSE(published->has_contact());
  // Network members do see contact details.
  EXPECT_TRUE(As("member-wessex").GetExpert("experts/w-expert")->has_contact());
  EXPECT_TRUE(As("lead-oxford").GetCaseStudy("caseStudies/cs-published")->has_contact());
}

TEST_F(AuthorizationTest, AtlasSeesOnlyPublishedCaseStudies) {
  auto seen = As("atlas").ListAllCaseStudies();
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].name(), "caseStudies/cs-published");
  // A filter cannot widen what atlas sees.
  EXPECT_TRUE(As("atlas").ListAllCaseStudies("publication_state = DRAFT")->empty());
  // A draft looks exactly like a missing record.
  auto draft = As("atlas").GetCaseStudy("caseStudies/cs-draft");
  auto missing = As("atlas").GetCaseStudy("caseStudies/cs-nothing");
  EXPECT_EQ(draft.status().code(), missing.status().code());
  EXPECT_EQ(Reason(draft.status()), Reason(missing.status()));
  // Paging works within the visible set, and an admin's page token is no use to atlas.
  v1::ListCaseStudiesRequest request;
  request.set_page_size(1);
  auto admin_page = As("admin").ListCaseStudies(request);
  ASSERT_FALSE(admin_page->next_page_token().empty());
  request.set_page_token(admin_page->next_page_token());
  EXPECT_EQ(Reason(As("atlas").ListCaseStudies(request).status()), "INVALID_PAGE_TOKEN");
}

TEST_F(AuthorizationTest, ReaderAndAtlasSeeTheActingCollaborativeNotThePerson) {
  v1::CaseStudy patch;
  patch.set_name("caseStudies/cs-published");
  patch.set_title("Retitled by the lead");
  ASSERT_TRUE(As("lead-wessex").UpdateCaseStudy(patch, Mask({"title"})).ok());
  v1::ListChangesRequest request;
  request.set_page_size(1000);
  for (const char* who : {"reader", "atlas", "admin"}) {
    auto changes = As(who).ListChanges(request);
    ASSERT_TRUE(changes.ok()) << who << ": " << changes.status();
    ASSERT_GE(changes->changes_size(), 1) << who;
    const v1::ChangeEvent& last = changes->changes(changes->changes_size() - 1);
    EXPECT_EQ(last.case_study().title(), "Retitled by the lead") << who;
    if (std::string(who) == "admin") {
      EXPECT_EQ(last.actor(), "spiffe://psc-registry/collaboratives/wessex/people/lead");
      continue;
    }
    EXPECT_EQ(last.actor(), "collaboratives/wessex") << who;
    for (const v1::ChangeEvent& e : changes->changes()) {
      EXPECT_EQ(e.actor().find("spiffe://"), std::string::npos) << who << ": " << e.actor();
    }
  }
}

TEST_F(AuthorizationTest, HistoryRecordsWhoChangedWhat) {
  v1::Initiative patch = Patch("initiatives/w-shared");
  patch.set_title("Renamed by the lead");
  ASSERT_TRUE(As("lead-wessex").UpdateInitiative(patch, Mask({"title"})).ok());
  v1::Initiative milestone = Patch("initiatives/w-shared");
  milestone.add_milestones()->set_title("Oxford's milestone");
  ASSERT_TRUE(As("lead-oxford").UpdateInitiative(milestone, Mask({"milestones"})).ok());
  ASSERT_TRUE(As("admin").DeleteInitiative("initiatives/w-shared").ok());

  v1::ListResourceHistoryRequest request;
  request.set_name("initiatives/w-shared");
  auto history = As("admin").ListResourceHistory(request);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->changes_size(), 4);
  const auto& c = history->changes();
  EXPECT_EQ(c[0].change_type(), v1::CREATED);
  EXPECT_EQ(c[0].actor(), "spiffe://psc-registry/national/people/admin");
  EXPECT_EQ(c[1].actor(), "spiffe://psc-registry/collaboratives/wessex/people/lead");
  EXPECT_EQ(c[1].initiative().title(), "Renamed by the lead");
  EXPECT_EQ(c[2].actor(), "spiffe://psc-registry/collaboratives/oxford/people/lead");
  EXPECT_EQ(c[3].change_type(), v1::DELETED);
  EXPECT_LT(c[0].sequence(), c[1].sequence());
  // Paging through the history.
  request.set_page_size(3);
  auto first = As("admin").ListResourceHistory(request);
  ASSERT_EQ(first->changes_size(), 3);
  request.set_page_token(first->next_page_token());
  auto rest = As("admin").ListResourceHistory(request);
  ASSERT_EQ(rest->changes_size(), 1);
  EXPECT_TRUE(rest->next_page_token().empty());
}

}  // namespace
}  // namespace psc::testing
