// Per-identity limits and the audit of refused calls, against a real pscd over mTLS.

#include <fstream>

#include "absl/strings/str_split.h"
#include "google/protobuf/empty.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/impl/rpc_method.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"

namespace psc::testing {
namespace {

class LimitsTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> flags) {
    auto pscd = PscdProcess::Start(
        {.data_dir = dir_.Sub(absl::StrCat("data", starts_++)), .extra_args = std::move(flags)});
    ASSERT_TRUE(pscd.ok()) << pscd.status();
    pscd_ = *std::move(pscd);
    admin_ = std::make_unique<client::RegistryClient>(ClientOptionsAs(pscd_->target(), "admin"));
    ASSERT_TRUE(admin_->CreateCollaborative(MakeCollaborative("Wessex"), {.id = "wessex"}).ok());
  }
  std::unique_ptr<client::RegistryClient> As(const std::string& who, absl::Duration deadline) {
    client::ClientOptions options = ClientOptionsAs(pscd_->target(), who);
    options.deadline = deadline;
    return std::make_unique<client::RegistryClient>(options);
  }
  // pscd's log lines that contain `text`.
  std::vector<std::string> LogLines(const std::string& text) {
    std::vector<std::string> out;
    for (absl::string_view line : absl::StrSplit(pscd_->Log(), '\n')) {
      if (absl::StrContains(line, text)) out.emplace_back(line);
    }
    return out;
  }

  TempDir dir_;
  int starts_ = 0;
  std::unique_ptr<PscdProcess> pscd_;
  std::unique_ptr<client::RegistryClient> admin_;
};

TEST_F(LimitsTest, AnIdentityBeyondItsWriteRateIsToldWhenToRetry) {
  Start({"--write-rate", "2", "--write-burst", "3"});
  auto hasty = As("lead-wessex", absl::Milliseconds(300));  // too short to wait for a token
  // Connected first (reads are never limited), so that the 300 ms are not spent on the TLS
  // handshake under a sanitizer's slowness: a read that times out still leaves the connection
  // being made.
  bool connected = false;
  for (int i = 0; i < 50 && !connected; ++i) connected = hasty->GetCaller().ok();
  ASSERT_TRUE(connected);
  for (int i = 0; i < 3; ++i) {
    auto created = hasty->CreateExpert(MakeExpert("collaboratives/wessex"));
    ASSERT_TRUE(created.ok()) << i << ": " << created.status();
  }
  auto refused = hasty->CreateExpert(MakeExpert("collaboratives/wessex"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
  EXPECT_EQ(Reason(refused.status()), "RATE_LIMITED");
  const absl::Duration delay = client::GetErrorDetails(refused.status()).retry_delay;
  EXPECT_GT(delay, absl::ZeroDuration());
  EXPECT_LE(delay, absl::Milliseconds(500));
  // Another lead has its own budget; the admin is exempt; reads are never limited.
  EXPECT_TRUE(As("lead-oxford", absl::Seconds(5))
                  ->CreateExpert(MakeExpert("collaboratives/wessex"))
                  .status()
                  .code() != absl::StatusCode::kResourceExhausted);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(admin_->CreateExpert(MakeExpert("collaboratives/wessex")).ok()) << i;
  }
  EXPECT_TRUE(hasty->ListAllExperts().ok());
  // The client library waits as told and retries: a patient client is paced, not refused.
  auto patient = As("lead-wessex", absl::Seconds(10));
  for (int i = 0; i < 3; ++i) {
    auto created = patient->CreateExpert(MakeExpert("collaboratives/wessex"));
    EXPECT_TRUE(created.ok()) << created.status();
  }
  EXPECT_TRUE(pscd_->WaitForLog("reason=RATE_LIMITED")) << pscd_->Log();
}

TEST_F(LimitsTest, EachRefusedCallIsLoggedOnceWithWhoWhatAndWhy) {
  Start({});
  auto reader = As("reader", absl::Seconds(5));
  auto denied = reader->DeleteCollaborative("collaboratives/wessex");
  ASSERT_EQ(Reason(denied), "ROLE_NOT_ALLOWED");
  auto stranger = As("stranger", absl::Seconds(5));
  ASSERT_EQ(Reason(stranger->GetCollaborative("collaboratives/wessex").status()),
            "UNKNOWN_PRINCIPAL");
  ASSERT_TRUE(reader->GetCollaborative("collaboratives/wessex").ok());  // not a refusal

  std::vector<std::string> refusals;
  Eventually([&] {
    refusals = LogLines("refused:");
    return refusals.size() >= 2;
  });
  ASSERT_EQ(refusals.size(), 2u) << pscd_->Log();
  EXPECT_TRUE(absl::StrContains(refusals[0], "identity=spiffe://psc-registry/"));
  EXPECT_TRUE(absl::StrContains(refusals[0], "method=DeleteCollaborative"));
  EXPECT_TRUE(absl::StrContains(refusals[0], "resource=collaboratives/wessex"));
  EXPECT_TRUE(absl::StrContains(refusals[0], "reason=ROLE_NOT_ALLOWED"));
  EXPECT_TRUE(absl::StrContains(refusals[1], "identity=spiffe://psc-registry/people/stranger"));
  EXPECT_TRUE(absl::StrContains(refusals[1], "method=GetCollaborative"));
  EXPECT_TRUE(absl::StrContains(refusals[1], "reason=UNKNOWN_PRINCIPAL"));
}

TEST_F(LimitsTest, AFloodOfRefusalsIsLoggedAtABoundedRate) {
  Start({});
  auto stranger = As("stranger", absl::Seconds(5));
  for (int i = 0; i < 600; ++i) (void)stranger->GetCollaborative("collaboratives/wessex");
  // Each call's refusal line (if any) is written before its call-log line: once the 600 calls
  // are in the call log, every refusal line that will be written is there.
  ASSERT_TRUE(Eventually([&] { return LogLines(" call method=GetCollaborative").size() >= 600; }))
      << LogLines(" call method=GetCollaborative").size();
  const size_t logged = LogLines("refused:").size();
  EXPECT_GE(logged, 200u);  // the burst
  EXPECT_LT(logged, 600u);
}

// A call to the reflection service (an empty request: the stream's first and only message).
grpc::StatusCode CallReflection(const std::string& target) {
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = read(TestCertsDir() + "/ca.crt");
  ssl.pem_cert_chain = read(TestCertsDir() + "/admin.crt");
  ssl.pem_private_key = read(TestCertsDir() + "/admin.key");
  auto channel = grpc::CreateChannel(target, grpc::SslCredentials(ssl));
  const grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext context;
  // Served, the stream waits for more requests until the deadline; unserved, it ends at once.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  google::protobuf::Empty request, response;
  return grpc::internal::BlockingUnaryCall<google::protobuf::Empty, google::protobuf::Empty,
                                           google::protobuf::MessageLite,
                                           google::protobuf::MessageLite>(
             channel.get(), method, &context, request, &response)
      .error_code();
}

TEST_F(LimitsTest, ReflectionIsServedUnlessTurnedOff) {
  Start({});
  EXPECT_NE(CallReflection(pscd_->target()), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_TRUE(*admin_->IsServing("grpc.reflection.v1alpha.ServerReflection"));
  pscd_.reset();
  Start({"--no-reflection"});
  EXPECT_EQ(CallReflection(pscd_->target()), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_FALSE(admin_->IsServing("grpc.reflection.v1alpha.ServerReflection").ok());
  EXPECT_TRUE(*admin_->IsServing());
}

}  // namespace
}  // namespace psc::testing
