// The descriptor-flood defences (accept_guard.h, listener_probe.h) on real loopback sockets:
// this binary links the guard, so its accept4 and close are the guarded ones.

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
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

// One accepted connection of `listener`, or -1 (errno set).
int Accept(const Listener& listener) {
  return accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
}

// Whether the server closed `client` (reads EOF or a reset within `wait_ms`).
bool ClosedByServer(int client, int wait_ms = 2000) {
  timeval tv{wait_ms / 1000, (wait_ms % 1000) * 1000};
  setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char byte;
  const ssize_t n = recv(client, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

// Sends `kTlsStartedBytes` on `client` and waits until `accepted` (its server side) can read
// them: the peer has started TLS, as far as the guard can tell.
void StartTls(int client, int accepted) {
  const std::string hello(kTlsStartedBytes, 'h');
  ASSERT_EQ(send(client, hello.data(), hello.size(), 0), static_cast<ssize_t>(hello.size()));
  pollfd p{accepted, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 2000), 1);
}

// A connection to `listener` that has sent `kTlsStartedBytes` before it is accepted (as a real
// client sends its ClientHello at once).
int ConnectStartingTls(const Listener& listener) {
  const int client = listener.Connect();
  const std::string hello(kTlsStartedBytes, 'h');
  EXPECT_EQ(send(client, hello.data(), hello.size(), 0), static_cast<ssize_t>(hello.size()));
  // Acknowledged by the listener's kernel: the bytes are on the connection's side, to be seen.
  EXPECT_TRUE(testing::Eventually([client] {
    tcp_info info{};
    socklen_t len = sizeof(info);
    return getsockopt(client, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_unacked == 0;
  }));
  return client;
}

// One test, in order: the guard is installed once per process.
TEST(ListenerGuardTest, CapsConnectionsShedsSilentOnesAndSurvivesRunningOutOfDescriptors) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  // Not deferred: the cap and shedding are tested on connections that send nothing (the
  // kernel's deferral is FloodTest's).
  InstallAcceptGuard(/*max_connections=*/3, static_cast<int>(limit.rlim_cur),
                     /*defer_accept_seconds=*/0);
  Listener listener;

  // The cap: three connections that have started TLS are accepted, the next ones closed as
  // they come (none of the three may be shed).
  std::vector<int> clients;
  std::vector<int> accepted;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(listener.Connect());
    const int fd = Accept(listener);
    ASSERT_GE(fd, 0);
    accepted.push_back(fd);
    StartTls(clients.back(), fd);
  }
  for (int i = 0; i < 2; ++i) clients.push_back(listener.Connect());
  EXPECT_LT(Accept(listener), 0);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(GetAcceptCounts().open, 3);
  EXPECT_EQ(GetAcceptCounts().refused, 2);
  EXPECT_EQ(GetAcceptCounts().shed, 0);
  EXPECT_TRUE(ClosedByServer(clients[3]));
  EXPECT_TRUE(ClosedByServer(clients[4]));
  // Closing one makes room for one more.
  close(accepted.back());
  accepted.pop_back();
  EXPECT_EQ(GetAcceptCounts().open, 2);
  const int silent_client = listener.Connect();
  const int silent = Accept(listener);
  ASSERT_GE(silent, 0);

  // At the cap again: a new silent connection is refused, as before; one that has started TLS
  // sheds the oldest one that has not: that is shut down (its owner still closes it), and the
  // new one is admitted.
  clients.push_back(listener.Connect());
  EXPECT_LT(Accept(listener), 0);
  EXPECT_EQ(GetAcceptCounts().refused, 3);
  EXPECT_TRUE(ClosedByServer(clients.back()));
  const int next_client = ConnectStartingTls(listener);
  const int next = Accept(listener);
  ASSERT_GE(next, 0);
  EXPECT_EQ(GetAcceptCounts().shed, 1);
  EXPECT_EQ(GetAcceptCounts().refused, 3);
  EXPECT_TRUE(ClosedByServer(silent_client));
  char byte;
  EXPECT_EQ(recv(silent, &byte, 1, MSG_DONTWAIT), 0);  // shut down: reads see the end
  EXPECT_FALSE(ClosedByServer(next_client, /*wait_ms=*/100));
  EXPECT_FALSE(ClosedByServer(clients[0], /*wait_ms=*/100));  // started TLS: kept
  EXPECT_EQ(GetAcceptCounts().open, 4);                       // the shed one counts until closed
  close(silent);
  EXPECT_EQ(GetAcceptCounts().open, 3);
  // Still at the cap, and no silent connection left to shed: refused.
  clients.push_back(ConnectStartingTls(listener));
  EXPECT_LT(Accept(listener), 0);
  EXPECT_EQ(GetAcceptCounts().shed, 1);
  EXPECT_EQ(GetAcceptCounts().refused, 4);
  EXPECT_TRUE(ClosedByServer(clients.back()));
  close(next);
  for (int a : accepted) close(a);
  EXPECT_EQ(GetAcceptCounts().open, 0);
  for (int c : {silent_client, next_client}) close(c);

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
  const int fd = Accept(listener);
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
