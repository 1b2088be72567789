// Descriptor floods: a pscd under a low open-file limit (as systemd's default 1,024 once was)
// flooded with idle TCP connections that never start TLS keeps its descriptors, serves clients
// again as soon as the flood ends, and closes idle handshakes by itself.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

// `count` TCP connections to `target` ("127.0.0.1:PORT") that send nothing.
std::vector<int> Flood(const std::string& target, int count) {
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(target.substr(target.rfind(':') + 1), &port));
  std::vector<int> sockets;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));  // bounds connect too
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd);
      continue;  // the queue is full: the flood is as large as it gets
    }
    sockets.push_back(fd);
  }
  return sockets;
}

// How many of `sockets` the server has closed (EOF or reset), waiting up to `wait` for each.
int ClosedByServer(const std::vector<int>& sockets, int wait_ms) {
  int closed = 0;
  for (int fd : sockets) {
    timeval tv{0, wait_ms * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char byte;
    const ssize_t n = recv(fd, &byte, 1, 0);
    closed += n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }
  return closed;
}

class FloodTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> flags) {
    auto pscd = PscdProcess::Start(
        {.data_dir = dir_.Sub("data"), .extra_args = std::move(flags), .max_open_files = 256});
    ASSERT_TRUE(pscd.ok()) << pscd.status();
    pscd_ = *std::move(pscd);
  }
  // Whether a new client's call succeeds within a 2 s deadline.
  bool Served() {
    client::ClientOptions options = ClientOptionsAs(pscd_->target(), "admin");
    options.deadline = absl::Seconds(2);
    return client::RegistryClient(options).ListAllCollaboratives().ok();
  }

  TempDir dir_;
  std::unique_ptr<PscdProcess> pscd_;
};

TEST_F(FloodTest, IdleConnectionsBeyondTheCapAreClosedAndClientsAreServedOnceTheyGo) {
  Start({});
  ASSERT_TRUE(pscd_->WaitForLog("at most 128 client connections at once")) << pscd_->Log();
  ASSERT_TRUE(Served());

  std::vector<int> flood = Flood(pscd_->target(), 1100);
  ASSERT_GE(flood.size(), 1000u);
  // Beyond the cap (the 256-descriptor limit less 128 kept back) connections are closed as
  // they arrive: pscd never runs out of descriptors.
  EXPECT_GE(ClosedByServer(flood, 200), static_cast<int>(flood.size()) - 128);
  EXPECT_EQ(pscd_->Log().find("Too many open files"), std::string::npos) << pscd_->Log();

  for (int fd : flood) close(fd);
  const absl::Time flood_ended = absl::Now();
  bool served = false;
  while (!served && absl::Now() - flood_ended < absl::Seconds(10)) served = Served();
  const absl::Duration recovery = absl::Now() - flood_ended;
  EXPECT_TRUE(served) << pscd_->Log();
  std::cout << "recovery after a flood of " << flood.size()
            << " idle connections: " << absl::FormatDuration(recovery) << "\n";
}

TEST_F(FloodTest, AConnectionThatNeverStartsTlsIsClosedAfterTheHandshakeTimeout) {
  Start({"--handshake-timeout-seconds", "0.5"});
  std::vector<int> idle = Flood(pscd_->target(), 10);
  ASSERT_EQ(idle.size(), 10u);
  EXPECT_EQ(ClosedByServer(idle, 3000), 10);
  for (int fd : idle) close(fd);
  EXPECT_TRUE(Served());
}

}  // namespace
}  // namespace psc::testing
