// pscd as a process: readiness, health, exclusive data dir, clean shutdown, durability.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/eventually.h"
#include "tests/testing/run_process.h"

namespace psc::testing {
namespace {

class ServerTest : public RegistryTest {};

TEST_F(ServerTest, HealthAnswersForEachServedServiceByName) {
  for (const char* service : {"psc.registry.v1.Registry", "grpc.health.v1.Health",
                              "grpc.reflection.v1alpha.ServerReflection"}) {
    auto serving = client_->IsServing(service);
    ASSERT_TRUE(serving.ok()) << service << ": " << serving.status();
    EXPECT_TRUE(*serving) << service;
  }
  EXPECT_EQ(client_->IsServing("no.such.Service").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ServerTest, HealthServiceReportsServing) {
  auto serving = client_->IsServing();
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE(*serving);
  EXPECT_NE(pscd_->Log().find("pscd ready, listening on 127.0.0.1:"), std::string::npos);
}

TEST_F(ServerTest, FlagsOutOfRangeStopItWithExitTwoNamingTheFlag) {
  const std::vector<std::vector<std::string>> bad = {{"--trim-interval-seconds", "0"},
                                                     {"--watch-progress-seconds", "0"},
                                                     {"--max-watchers-per-identity", "0"},
                                                     {"--watch-max-lag", "0"},
                                                     {"--retention-days", "-1"},
                                                     {"--listen", "127.0.0.1:99999"},
                                                     {"--listen", "no-port"},
                                                     {"--data-dir", ""},
                                                     {"--no-such-flag", "1"}};
  for (const auto& flag : bad) {
    ProcessResult r = RunProcess({PscdPath(), "--insecure", flag[0], flag[1]}, {});
    EXPECT_EQ(r.exit_code, 2) << flag[0] << " " << flag[1] << ": " << r.err;
    EXPECT_NE(r.err.find(flag[0]), std::string::npos) << r.err;
  }
  EXPECT_EQ(RunProcess({PscdPath(), "--help"}, {}).exit_code, 0);
}

TEST_F(ServerTest, SecondServerOnTheSameDataDirExitsAtOnce) {
  auto second = PscdProcess::Start({.data_dir = data_dir_.Sub("data")});
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("is in use by another pscd"), absl::string_view::npos)
      << second.status();
  EXPECT_TRUE(*client_->IsServing());  // the first one is unaffected
}

// Holds 127.0.0.1:`port` for listening while alive, unless another process already does: either
// way the port is taken.
class PortHolder {
 public:
  explicit PortHolder(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
      ::listen(fd_, 1);
    }
  }
  ~PortHolder() { ::close(fd_); }

 private:
  int fd_;
};

// A second pscd on one machine (a test instance beside the quickstart's, a restore check) need
// not know that the default metrics port is taken: it starts without metrics and says so. A
// metrics address chosen on purpose must be free.
TEST_F(ServerTest, ATakenDefaultMetricsPortLeavesMetricsOffAndAChosenOneRefusesToStart) {
  PortHolder taken(9464);  // pscd's default --metrics-listen port
  auto second = PscdProcess::Start(
      {.data_dir = data_dir_.Sub("second"), .metrics_listen = std::nullopt, .insecure = true});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE((*second)->metrics_target().empty());
  EXPECT_NE((*second)->Log().find("no metrics: 127.0.0.1:9464 is in use"), std::string::npos)
      << (*second)->Log();
  EXPECT_NE((*second)->Log().find(", no metrics"), std::string::npos) << (*second)->Log();

  auto chosen = PscdProcess::Start(
      {.data_dir = data_dir_.Sub("third"), .metrics_listen = "127.0.0.1:9464", .insecure = true});
  ASSERT_FALSE(chosen.ok());
  EXPECT_NE(chosen.status().message().find("cannot serve metrics on 127.0.0.1:9464"),
            absl::string_view::npos)
      << chosen.status();
}

TEST_F(ServerTest, StopIsPromptWithIdleClientsConnected) {
  // Idle connected clients: a C++ client reads its idle connection only every 5 s, so a stop
  // that waited for each client to answer gRPC's GOAWAY would take that long.
  std::vector<std::unique_ptr<client::RegistryClient>> idle;
  for (const char* who : {"admin", "reader", "lead-wessex"}) {
    idle.push_back(ClientAs(who));
    ASSERT_TRUE(idle.back()->IsServing().ok());
  }
  const absl::Time start = absl::Now();
  EXPECT_EQ(WEXITSTATUS(pscd_->Stop(SIGTERM)), 0);
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Seconds(3)) << "idle clients held up the stop: " << pscd_->Log();
  EXPECT_NE(pscd_->Log().find("pscd stopped cleanly"), std::string::npos);
  std::cout << "stop with 3 idle clients took " << absl::FormatDuration(took) << "\n";
}

TEST_F(ServerTest, APlaintextHealthPortAnswersHealthAndNothingElse) {
  TempDir dir;
  auto pscd = PscdProcess::Start(
      {.data_dir = dir.Sub("data"), .extra_args = {"--health-listen", "127.0.0.1:0"}});
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  const std::string log = (*pscd)->Log();
  const std::string marker = "plaintext health on ";
  const size_t at = log.find(marker);
  ASSERT_NE(at, std::string::npos) << log;
  client::ClientOptions plaintext;
  plaintext.target = log.substr(at + marker.size(), log.find(',', at) - at - marker.size());
  plaintext.insecure = true;
  client::RegistryClient probe(plaintext);  // no client certificate, as a kubelet probes
  for (const char* service : {"", "psc.registry.v1.Registry", "grpc.health.v1.Health"}) {
    auto serving = probe.IsServing(service);
    ASSERT_TRUE(serving.ok()) << service << ": " << serving.status();
    EXPECT_TRUE(*serving) << service;
  }
  EXPECT_EQ(probe.IsServing("no.such.Service").status().code(), absl::StatusCode::kNotFound);
  // Only health: no registry data without a certificate.
  EXPECT_EQ(probe.ListCollaboratives({}).status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(WEXITSTATUS((*pscd)->Stop(SIGTERM)), 0);
  // A bad address is a usage error, named.
  ProcessResult bad = RunProcess({PscdPath(), "--insecure", "--health-listen", "nowhere"}, {});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--health-listen"), std::string::npos) << bad.err;
}

TEST_F(ServerTest, DataSurvivesACleanRestart) {
  StopServer();
  StartServer(/*fsync=*/true);
  std::string lead = AddCollaborative("wessex");
  auto created = client_->CreateInitiative(MakeInitiative(lead), {.id = "huddles"});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(WEXITSTATUS(pscd_->Stop(SIGTERM)), 0);
  EXPECT_NE(pscd_->Log().find("pscd stopped cleanly"), std::string::npos) << pscd_->Log();
  StartServer(/*fsync=*/true);
  auto got = client_->GetInitiative("initiatives/huddles");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->etag(), created->etag());
  EXPECT_EQ(client_->ListInitiatives({})->sequence(), 2u);
  // Sequences continue where they left off.
  AddCollaborative("oxford");
  EXPECT_EQ(client_->ListInitiatives({})->sequence(), 3u);
}

TEST_F(ServerTest, AcknowledgedWritesSurviveSigkill) {
  StopServer();
  StartServer(/*fsync=*/true);
  std::string lead = AddCollaborative("wessex");
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(client_->CreateExpert(MakeExpert(lead), {.id = absl::StrCat("e", i)}).ok());
  }
  pscd_->Stop(SIGKILL);
  StartServer(/*fsync=*/true);
  EXPECT_EQ(client_->ListAllExperts()->size(), 20u);
}

TEST_F(ServerTest, SigintDrainsInFlightWrites) {
  std::string lead = AddCollaborative("wessex");
  // Writers keep going while the server is told to stop; every write it acknowledged must be
  // there after a restart, and the server exits 0.
  std::atomic<int> acknowledged{0};
  std::vector<std::string> acked_names[4];
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 200; ++i) {
        auto r = client_->CreateExpert(MakeExpert(lead), {.id = absl::StrCat("w", w, "-", i)});
        if (!r.ok()) return;
        acked_names[w].push_back(r->name());
        ++acknowledged;
      }
    });
  }
  ASSERT_TRUE(Eventually([&] { return acknowledged >= 50; }, absl::Seconds(60)));
  int status = pscd_->Stop(SIGINT);
  for (auto& t : writers) t.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << pscd_->Log();
  StartServer();
  for (const auto& names : acked_names) {
    for (const auto& name : names) EXPECT_TRUE(client_->GetExpert(name).ok()) << name;
  }
}

TEST_F(ServerTest, ClientReportsUnavailableWhenNoServerListens) {
  std::string target = pscd_->target();
  StopServer();
  client::ClientOptions options = ClientOptionsAs(target, "admin");
  options.deadline = absl::Seconds(3);
  options.retry.max_attempts = 2;
  client::RegistryClient client(options);
  EXPECT_EQ(client.GetCollaborative("collaboratives/x").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(PscdBinaryTest, HelpDescribesFlags) {
  std::string command = PscdPath() + " --help";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0);
  for (const char* flag : {"--listen", "--data-dir", "--unsafe-no-fsync"}) {
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace psc::testing
