// mTLS, identities, roles and per-object authorization, against a real pscd.

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "tests/integration/background_watch.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"
#include "tests/testing/run_process.h"

namespace psc::testing {
namespace {

// A raw call with the given channel credentials, bypassing the client library's checks.
grpc::Status RawGet(const std::string& target,
                    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  auto stub = v1::Registry::NewStub(grpc::CreateChannel(target, credentials));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetCollaborativeRequest request;
  request.set_name("collaboratives/wessex");
  v1::Collaborative response;
  return stub->GetCollaborative(&context, request, &response);
}

std::shared_ptr<grpc::ChannelCredentials> TlsAs(const std::string& who) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = FileText(TestCertsDir() + "/ca.crt");
  if (!who.empty()) {
    ssl.pem_cert_chain = FileText(TestCertsDir() + "/" + who + ".crt");
    ssl.pem_private_key = FileText(TestCertsDir() + "/" + who + ".key");
  }
  return grpc::SslCredentials(ssl);
}

class TlsTest : public RegistryTest {};

TEST_F(TlsTest, HandshakeNeedsAValidClientCertificateFromTheNetworksCa) {
  AddCollaborative("wessex");
  EXPECT_TRUE(RawGet(pscd_->target(), TlsAs("admin")).ok());
  EXPECT_EQ(RawGet(pscd_->target(), TlsAs("")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(RawGet(pscd_->target(), TlsAs("other-ca")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(RawGet(pscd_->target(), TlsAs("expired")).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(RawGet(pscd_->target(), grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, VerifiedButUnknownIdentityIsDenied) {
  auto result = ClientAs("stranger")->ListAllCollaboratives();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(result.status()), "UNKNOWN_PRINCIPAL");
  EXPECT_NE(result.status().message().find("spiffe://psc-registry/people/stranger"),
            absl::string_view::npos);
}

TEST_F(TlsTest, ClientReportsUnreadableCredentials) {
  client::ClientOptions options = ClientOptionsAs(pscd_->target(), "admin");
  options.key_file = "/nonexistent/key.pem";
  auto result = client::RegistryClient(options).ListAllCollaboratives();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("/nonexistent/key.pem"), absl::string_view::npos);
}

TEST(PscdFlagsTest, InsecureIsRefusedOffLoopbackAndTlsNeedsItsFiles) {
  TempDir dir;
  ProcessResult open = RunProcess(
      {PscdPath(), "--insecure", "--listen", "0.0.0.0:0", "--data-dir", dir.Sub("data")});
  EXPECT_EQ(open.exit_code, 2);  // a usage error, like a bad flag
  EXPECT_NE(open.err.find("--insecure serves plaintext and is allowed only on a loopback address"),
            std::string::npos)
      << open.err;
  ProcessResult bare =
      RunProcess({PscdPath(), "--listen", "127.0.0.1:0", "--data-dir", dir.Sub("data")});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_NE(bare.err.find("--principals is required"), std::string::npos) << bare.err;
  const std::string certs = TestCertsDir();
  ProcessResult no_key =
      RunProcess({PscdPath(), "--listen", "127.0.0.1:0", "--data-dir", dir.Sub("data"),
                  "--principals", certs + "/principals.json", "--tls-cert", certs + "/server.crt",
                  "--client-ca", certs + "/ca.crt"});
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("--tls-key is required"), std::string::npos) << no_key.err;
}

TEST(PscdFlagsTest, InsecureIsRefusedForANameThatIsNotLoopbackByAddress) {
  TempDir dir;
  // Looks like 127.x to a textual check; resolves to no loopback address (here: to nothing).
  ProcessResult named = RunProcess({PscdPath(), "--insecure", "--listen", "127.attacker.example:0",
                                    "--data-dir", dir.Sub("data")});
  EXPECT_EQ(named.exit_code, 2) << named.err;
  EXPECT_NE(named.err.find("allowed only on a loopback address"), std::string::npos) << named.err;
}

class SecurityFilesTest : public RegistryTest {};

TEST_F(SecurityFilesTest, TheDataDirAndItsFilesArePrivate) {
  struct stat dir_info;
  ASSERT_EQ(stat(data_dir_.Sub("data").c_str(), &dir_info), 0);
  EXPECT_EQ(dir_info.st_mode & 0777, 0700u);
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_.Sub("data"))) {
    if (!entry.is_regular_file()) continue;
    struct stat info;
    ASSERT_EQ(stat(entry.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 077, 0u) << entry.path();
    ++checked;
  }
  EXPECT_GT(checked, 3);
}

TEST_F(SecurityFilesTest, AGroupWritablePrincipalsFileIsRefused) {
  const std::string certs = TestCertsDir();
  const std::string principals = data_dir_.Sub("principals.json");
  std::filesystem::copy_file(certs + "/principals.json", principals);
  std::filesystem::permissions(principals, std::filesystem::perms(0664));
  ProcessResult r =
      RunProcess({PscdPath(), "--listen", "127.0.0.1:0", "--data-dir", data_dir_.Sub("other"),
                  "--principals", principals, "--tls-cert", certs + "/server.crt", "--tls-key",
                  certs + "/server.key", "--client-ca", certs + "/ca.crt"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--principals"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("writable by group or others"), std::string::npos) << r.err;
}

TEST_F(SecurityFilesTest, ASecondPscdCannotShareThePort) {
  const std::string port = pscd_->target().substr(pscd_->target().rfind(':') + 1);
  ProcessResult second = RunProcess({PscdPath(), "--insecure", "--listen", "127.0.0.1:" + port,
                                     "--data-dir", data_dir_.Sub("second")});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("cannot listen on"), std::string::npos) << second.err;
  EXPECT_TRUE(*client_->IsServing());  // the first keeps every client
}

class PrincipalsReloadTest : public ::testing::Test {};

TEST_F(PrincipalsReloadTest, SighupReloadsAndABadFileIsRejected) {
  TempDir dir;
  std::string principals = dir.Sub("principals.json");
  std::string original = FileText(TestCertsDir() + "/principals.json");
  std::ofstream(principals) << original;
  auto pscd = PscdProcess::Start({.data_dir = dir.Sub("data"), .principals_file = principals});
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  client::RegistryClient stranger(ClientOptionsAs((*pscd)->target(), "stranger"));
  EXPECT_EQ(Reason(stranger.ListAllCollaboratives().status()), "UNKNOWN_PRINCIPAL");

  std::string with_stranger = original;
  with_stranger.insert(with_stranger.find("\"principals\": [") + 15,
                       "\n    {\"identity\": \"spiffe://psc-registry/people/stranger\", \"role\": "
                       "\"READER\"},");
  std::ofstream(principals, std::ios::trunc) << with_stranger;
  (*pscd)->Signal(SIGHUP);
  ASSERT_TRUE((*pscd)->WaitForLog("principals reloaded")) << (*pscd)->Log();
  EXPECT_TRUE(stranger.ListAllCollaboratives().ok());

  std::ofstream(principals, std::ios::trunc) << "{\"principals\": [{\"role\": \"ADMIN\"}]}";
  (*pscd)->Signal(SIGHUP);
  ASSERT_TRUE((*pscd)->WaitForLog("principals not reloaded")) << (*pscd)->Log();
  EXPECT_NE((*pscd)->Log().find("identity is required"), std::string::npos);
  EXPECT_TRUE(stranger.ListAllCollaboratives().ok());  // the old file is still in force
}

// Revocation reaches open streams: a principals reload re-evaluates every open watch.
class RevocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    original_ = FileText(TestCertsDir() + "/principals.json");
    std::ofstream(principals_) << original_;
    auto pscd = PscdProcess::Start({.data_dir = dir_.Sub("data"), .principals_file = principals_});
    ASSERT_TRUE(pscd.ok()) << pscd.status();
    pscd_ = *std::move(pscd);
    admin_ = std::make_unique<client::RegistryClient>(ClientOptionsAs(pscd_->target(), "admin"));
    ASSERT_TRUE(admin_->CreateCollaborative(MakeCollaborative("Wessex"), {.id = "wessex"}).ok());
    ASSERT_TRUE(admin_->CreateExpert(MakeExpert("collaboratives/wessex"), {.id = "e1"}).ok());
  }

  static constexpr char kWessexLeadLine[] =
      "{\"identity\": \"spiffe://psc-registry/collaboratives/wessex/people/lead\", \"role\": "
      "\"LEAD\", \"collaborative\": \"collaboratives/wessex\"},";
  static constexpr char kGatewayLine[] =
      "{\"identity\": \"spiffe://psc-registry/services/psc-web\", \"role\": \"GATEWAY\"}";

  // Rewrites `line` of the principals file (as make-dev-certs writes it) as `replacement` and
  // reloads.
  void ReplaceLine(const std::string& line, const std::string& replacement) {
    std::string edited = original_;
    ASSERT_NE(edited.find(line), std::string::npos) << edited;
    edited.replace(edited.find(line), line.size(), replacement);
    std::ofstream(principals_, std::ios::trunc) << edited;
    const int reloads = Reloads();
    pscd_->Signal(SIGHUP);
    Eventually([&] { return Reloads() != reloads; });
    ASSERT_EQ(Reloads(), reloads + 1) << pscd_->Log();
  }

  int Reloads() const {
    const std::string log = pscd_->Log();
    int n = 0;
    for (size_t at = log.find("principals reloaded"); at != std::string::npos;
         at = log.find("principals reloaded", at + 1)) {
      ++n;
    }
    return n;
  }

  // A change to the expert, so open watches have something to deliver.
  void TouchExpert(const std::string& title) {
    v1::Expert patch;
    patch.set_name("experts/e1");
    patch.set_job_title(title);
    google::protobuf::FieldMask mask;
    mask.add_paths("job_title");
    ASSERT_TRUE(admin_->UpdateExpert(patch, mask).ok());
  }

  TempDir dir_;
  std::string principals_ = dir_.Sub("principals.json");
  std::string original_;
  std::unique_ptr<PscdProcess> pscd_;
  std::unique_ptr<client::RegistryClient> admin_;
};

TEST_F(RevocationTest, ADemotedLeadsOpenWatchIsRedactedAndARemovedOnesEnds) {
  client::RegistryClient lead(ClientOptionsAs(pscd_->target(), "lead-wessex"));
  BackgroundWatch watch(&lead, {"experts"});
  ASSERT_TRUE(watch.WaitFor(1));
  EXPECT_EQ(watch.Seen()[0].expert().contact().email(), "demo.person@example.org");  // a lead's
  EXPECT_EQ(watch.Seen()[0].actor(), "spiffe://psc-registry/national/people/admin");

  // Demoted to reader: the same open watch now gets the reader's view.
  ReplaceLine(kWessexLeadLine,
              "{\"identity\": \"spiffe://psc-registry/collaboratives/wessex/people/lead\", "
              "\"role\": \"READER\"},");
  TouchExpert("Demoted");
  ASSERT_TRUE(watch.WaitFor(2));
  const v1::ChangeEvent demoted = watch.Seen()[1];
  EXPECT_EQ(demoted.expert().job_title(), "Demoted");
  EXPECT_FALSE(demoted.expert().has_contact()) << demoted.DebugString();
  EXPECT_EQ(demoted.actor(), "national");
  EXPECT_EQ(Reason(lead.CreateExpert(MakeExpert("collaboratives/wessex"), {}).status()),
            "ROLE_NOT_ALLOWED");

  // Removed: the watch ends, and says why.
  ReplaceLine(kWessexLeadLine, "");
  const absl::Status ended = watch.Join();
  EXPECT_EQ(ended.code(), absl::StatusCode::kPermissionDenied) << ended;
  EXPECT_EQ(Reason(ended), "UNKNOWN_PRINCIPAL");
  TouchExpert("After removal");
  EXPECT_EQ(watch.Seen().size(), 2u);
}

// A watch opened through the gateway (GATEWAY, on behalf of a reader) gets the reader's view,
// and ends once the gateway is no longer a GATEWAY; its new calls are refused.
TEST_F(RevocationTest, AWatchThroughAGatewayEndsWhenTheGatewayLosesItsRole) {
  client::ClientOptions options = ClientOptionsAs(pscd_->target(), "gateway");
  options.on_behalf_of = "spiffe://psc-registry/national/people/reader";
  client::RegistryClient reader(options);
  BackgroundWatch watch(&reader, {"experts"});
  ASSERT_TRUE(watch.WaitFor(1));
  EXPECT_FALSE(watch.Seen()[0].expert().has_contact());  // the reader's view

  ReplaceLine(kGatewayLine,
              "{\"identity\": \"spiffe://psc-registry/services/psc-web\", \"role\": "
              "\"READER\"}");
  const absl::Status ended = watch.Join();
  EXPECT_EQ(ended.code(), absl::StatusCode::kPermissionDenied) << ended;
  EXPECT_EQ(Reason(ended), "UNKNOWN_PRINCIPAL") << ended;
  EXPECT_NE(ended.message().find("through spiffe://psc-registry/services/psc-web"),
            std::string::npos)
      << ended;
  EXPECT_EQ(Reason(reader.GetExpert("experts/e1").status()), "ON_BEHALF_OF_REFUSED");
}

}  // namespace
}  // namespace psc::testing
