// The GATEWAY role (psc-web): a gateway's calls act on behalf of the user its psc-on-behalf-of
// metadata names, are authorized as that user, and record the user as the actor and the gateway
// as the channel; that metadata from any other role, and a gateway's call without it, are
// refused. (A watch through a gateway across a principals reload: security_test.cc.)

#include "absl/strings/match.h"
#include "server/common/errors.h"
#include "server/common/utf8.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

constexpr char kGateway[] = "spiffe://psc-registry/services/psc-web";
constexpr char kWessexLead[] = "spiffe://psc-registry/collaboratives/wessex/people/lead";
constexpr char kReader[] = "spiffe://psc-registry/national/people/reader";

// A client of `target` with `who`'s certificate acting on behalf of `user` ("" for none).
std::unique_ptr<client::RegistryClient> Through(const std::string& target, const std::string& who,
                                                const std::string& user) {
  client::ClientOptions options = ClientOptionsAs(target, who);
  options.on_behalf_of = user;
  return std::make_unique<client::RegistryClient>(options);
}

class GatewayTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    AddCollaborative("wessex");
    AddCollaborative("oxford");
    v1::Expert expert = MakeExpert("collaboratives/wessex");
    ASSERT_TRUE(client_->CreateExpert(expert, {.id = "e1"}).ok());
  }

  std::unique_ptr<client::RegistryClient> As(const std::string& user) {
    return Through(pscd_->target(), "gateway", user);
  }
};

TEST_F(GatewayTest, AChangeIsTheUsersWithTheGatewayAsItsChannel) {
  auto created = As(kWessexLead)->CreateInitiative(MakeInitiative("collaboratives/wessex"));
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(client_->CreateInitiative(MakeInitiative("collaboratives/wessex")).ok());

  v1::ListChangesRequest request;
  request.add_kinds("initiatives");
  auto changes = client_->ListChanges(request);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->changes_size(), 2);
  EXPECT_EQ(changes->changes(0).resource_name(), created->name());
  EXPECT_EQ(changes->changes(0).actor(), kWessexLead);
  EXPECT_EQ(changes->changes(0).channel(), kGateway);
  EXPECT_EQ(changes->changes(1).actor(), "spiffe://psc-registry/national/people/admin");
  EXPECT_EQ(changes->changes(1).channel(), "");  // a direct call

  v1::ListResourceHistoryRequest history;
  history.set_name(created->name());
  auto events = client_->ListResourceHistory(history);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->changes_size(), 1);
  EXPECT_EQ(events->changes(0).actor(), kWessexLead);
  EXPECT_EQ(events->changes(0).channel(), kGateway);
}

TEST_F(GatewayTest, ACallIsAuthorizedAsTheUserItActsFor) {
  // A Wessex lead may not write Oxford's records, through the gateway or not.
  auto oxford = As(kWessexLead)->CreateInitiative(MakeInitiative("collaboratives/oxford"));
  EXPECT_EQ(oxford.status().code(), absl::StatusCode::kPermissionDenied) << oxford.status();
  // A reader sees no contact data, through the gateway too; a lead does.
  auto as_reader = As(kReader)->GetExpert("experts/e1");
  ASSERT_TRUE(as_reader.ok()) << as_reader.status();
  EXPECT_FALSE(as_reader->has_contact());
  auto as_lead = As(kWessexLead)->GetExpert("experts/e1");
  ASSERT_TRUE(as_lead.ok()) << as_lead.status();
  EXPECT_EQ(as_lead->contact().email(), "demo.person@example.org");
  // A reader may not write anything.
  auto write = As(kReader)->CreateInitiative(MakeInitiative("collaboratives/wessex"));
  EXPECT_EQ(write.status().code(), absl::StatusCode::kPermissionDenied);
}

// ActingFor: one gateway connection serves many users, each call authorized as its own user,
// and a derived client outlives the one it came from.
TEST_F(GatewayTest, ActingForSharesOneConnectionBetweenUsers) {
  std::unique_ptr<client::RegistryClient> reader, lead;
  {
    client::RegistryClient gateway(ClientOptionsAs(pscd_->target(), "gateway"));
    reader = gateway.ActingFor(kReader);
    lead = gateway.ActingFor(kWessexLead);
    EXPECT_EQ(Reason(gateway.GetExpert("experts/e1").status()), "GATEWAY_NEEDS_USER");
    EXPECT_EQ(lead->options().on_behalf_of, kWessexLead);
  }
  auto as_reader = reader->GetExpert("experts/e1");
  ASSERT_TRUE(as_reader.ok()) << as_reader.status();
  EXPECT_FALSE(as_reader->has_contact());
  auto as_lead = lead->GetExpert("experts/e1");
  ASSERT_TRUE(as_lead.ok()) << as_lead.status();
  EXPECT_TRUE(as_lead->has_contact());
  EXPECT_EQ(reader->CreateInitiative(MakeInitiative("collaboratives/wessex")).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto created = lead->CreateInitiative(MakeInitiative("collaboratives/wessex"));
  ASSERT_TRUE(created.ok()) << created.status();
  // And back to the gateway's own identity: no user, refused.
  EXPECT_EQ(Reason(lead->ActingFor("")->GetExpert("experts/e1").status()), "GATEWAY_NEEDS_USER");
}

// GetCaller: who a call acts as, so a front end shows only what its user may do.
TEST_F(GatewayTest, GetCallerNamesTheUserAGatewayActsFor) {
  auto lead = As(kWessexLead)->GetCaller();
  ASSERT_TRUE(lead.ok()) << lead.status();
  EXPECT_EQ(lead->identity(), kWessexLead);
  EXPECT_EQ(lead->role(), v1::LEAD);
  EXPECT_EQ(lead->collaborative(), "collaboratives/wessex");
  auto reader = As(kReader)->GetCaller();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->role(), v1::READER);
  EXPECT_EQ(reader->collaborative(), "");
  auto admin = client_->GetCaller();
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->role(), v1::ADMIN);
  EXPECT_EQ(Reason(As("")->GetCaller().status()), "GATEWAY_NEEDS_USER");
  EXPECT_EQ(Reason(As("spiffe://psc-registry/nobody")->GetCaller().status()), "UNKNOWN_PRINCIPAL");
}

TEST_F(GatewayTest, AGatewayActsOnlyOnBehalfOfAUser) {
  auto alone = As("")->GetExpert("experts/e1");
  EXPECT_EQ(alone.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(alone.status()), "GATEWAY_NEEDS_USER") << alone.status();

  auto stranger = As("spiffe://psc-registry/nobody")->GetExpert("experts/e1");
  EXPECT_EQ(stranger.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(stranger.status()), "UNKNOWN_PRINCIPAL") << stranger.status();

  // Not on behalf of itself (or another gateway): a gateway is not a user.
  auto itself = As(kGateway)->GetExpert("experts/e1");
  EXPECT_EQ(itself.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(itself.status()), "UNKNOWN_PRINCIPAL") << itself.status();

  // A watch too.
  client::RegistryClient::WatchHandlers handlers;
  handlers.on_change = [](const v1::ChangeEvent&) { return false; };
  absl::Status watch = As("")->WatchChanges(0, {}, handlers);
  EXPECT_EQ(Reason(watch), "GATEWAY_NEEDS_USER") << watch;
}

// The user's name is the client's to choose: one of 4,000 characters is refused with a message
// within the bound of every error message, and the log keeps at most 200 characters of it.
TEST_F(GatewayTest, AnOverlongUserIsRefusedWithinTheBounds) {
  const std::string user = "spiffe://psc-registry/" + std::string(4000, 'u');
  auto got = As(user)->GetExpert("experts/e1");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(got.status()), "UNKNOWN_PRINCIPAL") << got.status();
  // Cut to the bound, and "…" says so (CharacterPrefix).
  EXPECT_EQ(CharacterCount(got.status().message()), kMaxMessageChars + 1);
  EXPECT_TRUE(absl::EndsWith(got.status().message(), "…")) << got.status();
  ASSERT_TRUE(pscd_->WaitForLog("refused: "));
  const std::string log = pscd_->Log();
  EXPECT_NE(log.find("on_behalf_of=spiffe://psc-registry/uuu"), std::string::npos) << log;
  EXPECT_EQ(log.find(std::string(200, 'u')), std::string::npos);  // 178 u's after the prefix
}

// With --insecure every caller is an admin and there is no principals file to name users in.
TEST(GatewayInsecureTest, AnInsecurePscdRefusesOnBehalfOf) {
  TempDir dir;
  auto pscd = PscdProcess::Start({.data_dir = dir.Sub("data"), .insecure = true});
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  client::ClientOptions options;
  options.target = (*pscd)->target();
  options.insecure = true;
  options.on_behalf_of = kWessexLead;
  auto got = client::RegistryClient(options).GetExpert("experts/e1");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(got.status()), "ON_BEHALF_OF_REFUSED") << got.status();
  options.on_behalf_of = "";
  EXPECT_EQ(client::RegistryClient(options).GetExpert("experts/e1").status().code(),
            absl::StatusCode::kNotFound);  // the same call as itself goes through
}

TEST_F(GatewayTest, NoOtherRoleMayActOnBehalfOfAnother) {
  for (const char* who : {"admin", "lead-wessex", "reader", "atlas"}) {
    auto got = Through(pscd_->target(), who, kWessexLead)->GetExpert("experts/e1");
    EXPECT_EQ(got.status().code(), absl::StatusCode::kPermissionDenied) << who;
    EXPECT_EQ(Reason(got.status()), "ON_BEHALF_OF_REFUSED") << who << ": " << got.status();
    auto wrote = Through(pscd_->target(), who, kWessexLead)
                     ->CreateInitiative(MakeInitiative("collaboratives/wessex"));
    EXPECT_EQ(Reason(wrote.status()), "ON_BEHALF_OF_REFUSED") << who << ": " << wrote.status();
  }
  // Nothing was written on anyone's behalf.
  v1::ListChangesRequest request;
  request.add_kinds("initiatives");
  auto changes = client_->ListChanges(request);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->changes_size(), 0);
}

}  // namespace
}  // namespace psc::testing
