// Descriptor floods: a pscd under a low open-file limit (as systemd's default 1,024 once was)
// flooded with TCP connections that never start TLS serves real clients *during* the flood and
// keeps its descriptors: connections that send nothing never reach it (TCP_DEFER_ACCEPT), and
// at the connection cap one that sent a few bytes and stopped is shed to admit a real client.
// Handshakes that never finish are closed by the handshake timeout.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "tests/integration/registry_fixture.h"
#include "tests/testing/metrics_text.h"

namespace psc::testing {
namespace {

// A TCP connection to `target` ("127.0.0.1:PORT") that sends `bytes` zero bytes and then
// nothing, or -1 when the listen queue is full.
int StalledConnection(const std::string& target, int bytes) {
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(target.substr(target.rfind(':') + 1), &port));
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));  // bounds connect too
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  const std::string start(bytes, '\0');
  if (bytes > 0) (void)send(fd, start.data(), start.size(), MSG_NOSIGNAL);
  return fd;
}

// Whether the server has closed `fd` (EOF or reset), waiting up to `wait_ms`.
bool ClosedByServer(int fd, int wait_ms) {
  timeval tv{wait_ms / 1000, (wait_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char byte;
  const ssize_t n = wait_ms == 0 ? recv(fd, &byte, 1, MSG_DONTWAIT) : recv(fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// An attacker holding `count` stalled connections open: each one the server closes is opened
// again (up to 200 every 20 ms), until it is destroyed.
class Flood {
 public:
  Flood(std::string target, int count, int bytes_each)
      : target_(std::move(target)), bytes_(bytes_each) {
    for (int i = 0; i < count; ++i) {
      if (int fd = StalledConnection(target_, bytes_); fd >= 0) sockets_.push_back(fd);
    }
    keeper_ = std::thread([this] { Keep(); });
  }
  ~Flood() {
    stop_ = true;
    keeper_.join();
    for (int fd : sockets_) {
      if (fd >= 0) close(fd);
    }
  }
  size_t size() const { return sockets_.size(); }
  int64_t reopened() const { return reopened_; }

 private:
  void Keep() {
    while (!stop_) {
      int budget = 200;
      for (int& fd : sockets_) {
        if (budget == 0 || stop_) break;
        if (fd >= 0 && !ClosedByServer(fd, 0)) continue;
        if (fd >= 0) close(fd);
        fd = StalledConnection(target_, bytes_);
        --budget;
        ++reopened_;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  const std::string target_;
  const int bytes_;
  std::vector<int> sockets_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> reopened_{0};
  std::thread keeper_;  // last: it uses the members above
};

class FloodTest : public ::testing::Test {
 protected:
  // pscd at the common 1,024-descriptor limit: at most 896 connections (128 kept back).
  void Start(std::vector<std::string> flags) {
    auto pscd = PscdProcess::Start(
        {.data_dir = dir_.Sub("data"), .extra_args = std::move(flags), .max_open_files = 1024});
    ASSERT_TRUE(pscd.ok()) << pscd.status();
    pscd_ = *std::move(pscd);
    ASSERT_TRUE(pscd_->WaitForLog("at most 896 client connections at once")) << pscd_->Log();
  }

  double Metric(const std::string& name) {
    return SampleValue(HttpGet(pscd_->metrics_target(), "/metrics").value_or(""), name)
        .value_or(-1);
  }

  // A real mTLS client makes `calls` calls, each on a new connection with a 2 s deadline, while
  // `flood` goes on: none may fail, none may take 2 s.
  void ExpectEveryCallServed(const Flood& flood, int calls) {
    int failed = 0;
    std::vector<absl::Duration> latencies;
    for (int i = 0; i < calls; ++i) {
      client::ClientOptions options = ClientOptionsAs(pscd_->target(), "admin");
      options.deadline = absl::Seconds(2);
      const absl::Time start = absl::Now();
      absl::Status s = client::RegistryClient(options).GetCaller().status();
      latencies.push_back(absl::Now() - start);
      if (!s.ok()) {
        ++failed;
        std::cout << "call " << i << " failed: " << s << "\n";
      }
    }
    std::sort(latencies.begin(), latencies.end());
    std::cout << "during a flood of " << flood.size() << " stalled connections ("
              << flood.reopened() << " reopened): " << calls << " calls on new connections, "
              << failed << " failed, p50 " << absl::FormatDuration(latencies[calls / 2]) << ", max "
              << absl::FormatDuration(latencies.back()) << "; pscd's descriptors "
              << Metric("process_open_fds") << ", connections shed "
              << Metric("psc_connections_shed_total") << ", refused "
              << Metric("psc_connections_refused_total") << "\n";
    EXPECT_EQ(failed, 0) << pscd_->Log();
    EXPECT_LT(latencies.back(), absl::Seconds(2));
  }

  TempDir dir_;
  std::unique_ptr<PscdProcess> pscd_;
};

TEST_F(FloodTest, ConnectionsThatSendNothingNeverReachPscdAndClientsAreServed) {
  // The kernel holds a silent connection back for the handshake timeout and then hands it over
  // bare (to be refused at the cap or closed by that timeout): 30 s outlasts this test even in
  // a sanitizer build, so that every one of them is still held back when the descriptors are
  // counted.
  Start({"--handshake-timeout-seconds", "30"});
  {
    Flood flood(pscd_->target(), 1100, /*bytes_each=*/0);
    ASSERT_GE(flood.size(), 1000u);
    ExpectEveryCallServed(flood, 150);
    // The kernel holds them back: they take no descriptor of pscd's.
    EXPECT_LT(Metric("process_open_fds"), 128);
    EXPECT_EQ(pscd_->Log().find("Too many open files"), std::string::npos) << pscd_->Log();
  }
  // And after the flood.
  client::ClientOptions options = ClientOptionsAs(pscd_->target(), "admin");
  options.deadline = absl::Seconds(2);
  EXPECT_TRUE(client::RegistryClient(options).ListAllCollaboratives().ok());
}

TEST_F(FloodTest, ConnectionsThatStallBeforeTlsAreShedForRealClients) {
  Start({});
  // One byte each: the kernel hands them over, and they take every place pscd has.
  Flood flood(pscd_->target(), 1100, /*bytes_each=*/1);
  ASSERT_GE(flood.size(), 1000u);
  ExpectEveryCallServed(flood, 150);
  EXPECT_GT(Metric("psc_connections_shed_total"), 0);     // places were made by shedding
  EXPECT_GT(Metric("psc_connections_refused_total"), 0);  // stalled ones beyond the cap
  EXPECT_LE(Metric("psc_connections_open"), 896 + 16);    // a few shed ones not yet closed
}

TEST_F(FloodTest, AHandshakeThatNeverFinishesIsClosedAfterTheHandshakeTimeout) {
  Start({"--handshake-timeout-seconds", "0.5"});
  std::vector<int> stalled;
  for (int i = 0; i < 10; ++i) stalled.push_back(StalledConnection(pscd_->target(), 1));
  for (int fd : stalled) {
    ASSERT_GE(fd, 0);
    EXPECT_TRUE(ClosedByServer(fd, 3000));
    close(fd);
  }
  client::ClientOptions options = ClientOptionsAs(pscd_->target(), "admin");
  options.deadline = absl::Seconds(2);
  EXPECT_TRUE(client::RegistryClient(options).ListAllCollaboratives().ok());
}

}  // namespace
}  // namespace psc::testing
