// The descriptor-flood defences (accept_guard.h, listener_probe.h) on real loopback sockets:
// this binary links the guard, so its accept4 and close are the guarded ones.

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/daemon/accept_guard.h"
#include "server/daemon/listener_probe.h"
#include "tests/testing/eventually.h"

namespace psc::daemon {
namespace {

// A loopback listener on a free port.
struct Listener {
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(fd, 512), 0);
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd); }
  int Connect() const {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    EXPECT_EQ(connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    return c;
  }
  int fd;
  int port;
};

// Whether the server closed `client` (reads EOF or a reset within 2 s).
bool ClosedByServer(int client) {
  timeval tv{2, 0};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char byte;
  const ssize_t n = recv(client, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// One test, in order: the guard is installed once per process.
TEST(ListenerGuardTest, CapsConnectionsAndSurvivesRunningOutOfDescriptors) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  InstallAcceptGuard(/*max_connections=*/3, static_cast<int>(limit.rlim_cur));
  Listener listener;

  // The cap: three connections are accepted, the next ones closed as they come.
  std::vector<int> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(listener.Connect());
  std::vector<int> accepted;
  for (int fd; (fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
    accepted.push_back(fd);
  }
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(accepted.size(), 3u);
  EXPECT_EQ(GetAcceptCounts().open, 3);
  EXPECT_EQ(GetAcceptCounts().refused, 2);
  EXPECT_TRUE(ClosedByServer(clients[3]));
  EXPECT_TRUE(ClosedByServer(clients[4]));
  // Closing one makes room for one more.
  close(accepted.back());
  accepted.pop_back();
  EXPECT_EQ(GetAcceptCounts().open, 2);
  clients.push_back(listener.Connect());
  int fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(fd, 0);
  accepted.push_back(fd);
  for (int a : accepted) close(a);
  EXPECT_EQ(GetAcceptCounts().open, 0);

  // Out of descriptors: accept4 never reports EMFILE (which would stop gRPC's listener for
  // good); the waiting connections are closed, and accepting resumes once descriptors free up.
  std::vector<int> flood;
  for (int i = 0; i < 3; ++i) flood.push_back(listener.Connect());
  std::vector<int> filler;
  for (int f; (f = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) filler.push_back(f);
  ASSERT_EQ(errno, EMFILE);
  const int64_t exhausted_before = GetAcceptCounts().exhausted;
  EXPECT_LT(accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC), 0);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_GT(GetAcceptCounts().exhausted, exhausted_before);
  for (int f : filler) close(f);
  for (int c : flood) EXPECT_TRUE(ClosedByServer(c));
  clients.push_back(listener.Connect());
  fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
  EXPECT_GE(fd, 0);
  close(fd);
  for (int c : clients) close(c);
  for (int c : flood) close(c);
}

TEST(ListenerProbeTest, ADeafListenerIsReportedAndAnAcceptingOneIsNot) {
  Listener deaf;  // nobody accepts
  std::atomic<int> reported{0};
  {
    ListenerProbe probe(
        "127.0.0.1", deaf.port,
        {.interval = absl::Milliseconds(10), .timeout = absl::Milliseconds(50), .max_failures = 3},
        [&] { ++reported; });
    EXPECT_TRUE(testing::Eventually([&] { return reported > 0; }));
  }
  EXPECT_EQ(reported, 1);

  Listener alive;
  std::atomic<bool> stop{false};
  std::atomic<int> accepted{0};
  std::thread acceptor([&] {
    while (!stop) {
      int fd = accept4(alive.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        close(fd);
        ++accepted;
      } else {
        absl::SleepFor(absl::Milliseconds(2));  // nothing to accept yet (non-blocking socket)
      }
    }
  });
  reported = 0;
  {
    ListenerProbe probe(
        "127.0.0.1", alive.port,
        {.interval = absl::Milliseconds(10), .timeout = absl::Milliseconds(500), .max_failures = 3},
        [&] { ++reported; });
    // Twice as many answered probes as it takes failures to report: had it counted any of them
    // as failed, it would have reported by now.
    EXPECT_TRUE(testing::Eventually([&] { return accepted >= 6; }));
  }
  stop = true;
  acceptor.join();
  EXPECT_EQ(reported, 0);
}

TEST(ListenerProbeTest, AWildcardAddressIsProbedOnLoopback) {
  EXPECT_EQ(ProbeHostFor("0.0.0.0"), "127.0.0.1");
  EXPECT_EQ(ProbeHostFor("[::]"), "::1");
  EXPECT_EQ(ProbeHostFor("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(ProbeHostFor("[::1]"), "::1");
}

}  // namespace
}  // namespace psc::daemon
