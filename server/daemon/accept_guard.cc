#include "server/daemon/accept_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

namespace psc::daemon {
namespace {

struct Accepted {
  int fd;
  uint64_t generation;
};

// Set once by InstallAcceptGuard, before any thread accepts, and never freed.
struct Guard {
  int max_connections = 0;
  int max_fd = 0;
  int defer_accept_seconds = 0;
  std::unique_ptr<std::atomic<bool>[]> is_accepted;  // by descriptor
  // The members below, and shutting a descriptor down. A std::mutex, as spare_mu: this file
  // stands alone (object files linked into pscd only), and the lock is short and never nested.
  std::mutex mu;
  std::unique_ptr<uint64_t[]> generation;  // by descriptor: accepts of it so far
  std::unique_ptr<bool[]> is_shed;         // by descriptor: shut down, not yet closed
  int64_t shed_pending = 0;                // shut down, not yet closed
  // Shedding candidates, oldest first; entries of descriptors closed since are skipped.
  std::deque<Accepted> candidates;
  std::mutex spare_mu;
  int spare = -1;  // guarded by spare_mu: a descriptor held back for EMFILE
};
std::atomic<Guard*> guard{nullptr};

std::atomic<int64_t> open_count{0}, accepted{0}, refused{0}, exhausted{0}, shed{0};
std::atomic<uint64_t> activity{0};

int RealAccept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  return static_cast<int>(syscall(SYS_accept4, fd, addr, len, flags));
}
int RealClose(int fd) { return static_cast<int>(syscall(SYS_close, fd)); }

// Bytes the peer of `fd` has sent (TCP_INFO); a large number when unknown, so that a socket
// the kernel says nothing about is never taken for a silent one.
uint64_t BytesReceived(int fd) {
  tcp_info info{};
  socklen_t len = sizeof(info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
      len < offsetof(tcp_info, tcpi_bytes_received) + sizeof(info.tcpi_bytes_received)) {
    return UINT64_MAX;
  }
  return info.tcpi_bytes_received;
}

bool IsCurrent(const Guard& g, const Accepted& a) {
  return g.is_accepted[a.fd].load() && g.generation[a.fd] == a.generation && !g.is_shed[a.fd];
}

// Shuts down the oldest accepted connection that has not started TLS. Candidates that have
// started it leave the queue: the handshake timeout bounds them. Whether one was shed.
// Requires g.mu.
bool ShedOldestSilent(Guard& g) {
  while (!g.candidates.empty()) {
    const Accepted oldest = g.candidates.front();
    if (!IsCurrent(g, oldest)) {
      g.candidates.pop_front();
      continue;
    }
    g.candidates.pop_front();
    if (BytesReceived(oldest.fd) >= kTlsStartedBytes) continue;
    shutdown(oldest.fd, SHUT_RDWR);
    g.is_shed[oldest.fd] = true;
    ++g.shed_pending;
    shed.fetch_add(1);
    return true;
  }
  return false;
}

// Out of descriptors: spends the spare to take one pending connection off the queue and close
// it, so the client hears at once and the queue does not fill. Whether one was taken.
bool RefuseWithSpare(Guard& g, int listener) {
  std::lock_guard<std::mutex> lock(g.spare_mu);
  if (g.spare < 0) return false;
  RealClose(g.spare);
  const int fd = RealAccept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) RealClose(fd);
  g.spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0;
}

// Admits the accepted `fd`, or returns false. At the cap, only a connection whose peer has
// already started TLS is admitted, by shedding a silent one: a flood of silent connections
// is refused as cheaply as before, and does not churn.
bool Admit(Guard& g, int fd) {
  std::lock_guard<std::mutex> lock(g.mu);
  if (open_count.load() - g.shed_pending >= g.max_connections &&
      (BytesReceived(fd) < kTlsStartedBytes || !ShedOldestSilent(g))) {
    return false;
  }
  open_count.fetch_add(1);
  g.is_accepted[fd].store(true);
  g.is_shed[fd] = false;
  const uint64_t generation = ++g.generation[fd];
  // Entries of closed connections are dropped from the front as shedding meets them; many
  // short connections with no shedding would let them pile up, so sweep now and then.
  if (g.candidates.size() >= 2 * static_cast<size_t>(g.max_connections) + 64) {
    std::erase_if(g.candidates, [&g](const Accepted& a) { return !IsCurrent(g, a); });
  }
  g.candidates.push_back({fd, generation});
  return true;
}

int GuardedAccept4(int listener, sockaddr* addr, socklen_t* len, int flags) {
  Guard* g = guard.load(std::memory_order_acquire);
  while (true) {
    const int fd = RealAccept4(listener, addr, len, flags);
    if (fd < 0) {
      if (g == nullptr || (errno != EMFILE && errno != ENFILE)) return -1;
      exhausted.fetch_add(1);
      if (RefuseWithSpare(*g, listener)) {
        refused.fetch_add(1);
        activity.fetch_add(1);
        continue;  // drain the queue
      }
      errno = EAGAIN;  // gRPC keeps listening on EAGAIN; EMFILE would stop it for good
      return -1;
    }
    activity.fetch_add(1);
    if (g == nullptr || fd >= g->max_fd) return fd;
    if (!Admit(*g, fd)) {
      refused.fetch_add(1);
      RealClose(fd);
      continue;
    }
    accepted.fetch_add(1);
    return fd;
  }
}

}  // namespace

void InstallAcceptGuard(int max_connections, int max_fd, int defer_accept_seconds) {
  auto* g = new Guard;  // lives as long as the process
  g->max_connections = max_connections;
  g->max_fd = max_fd;
  g->defer_accept_seconds = defer_accept_seconds;
  g->is_accepted = std::make_unique<std::atomic<bool>[]>(max_fd);
  g->generation = std::make_unique<uint64_t[]>(max_fd);
  g->is_shed = std::make_unique<bool[]>(max_fd);
  g->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
  guard.store(g, std::memory_order_release);
}

AcceptCounts GetAcceptCounts() {
  return {open_count.load(), accepted.load(), refused.load(), exhausted.load(), shed.load()};
}

uint64_t AcceptActivity() { return activity.load(); }

}  // namespace psc::daemon

// The process-wide definitions (see accept_guard.h).
extern "C" int accept4(int fd, sockaddr* __restrict addr, socklen_t* __restrict len, int flags) {
  return psc::daemon::GuardedAccept4(fd, addr, len, flags);
}

extern "C" int listen(int fd, int backlog) {
  psc::daemon::Guard* g = psc::daemon::guard.load(std::memory_order_acquire);
  if (g != nullptr && g->defer_accept_seconds > 0) {
    // Fails harmlessly on a socket that is not TCP (a Unix socket): nothing to defer there.
    setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &g->defer_accept_seconds,
               sizeof(g->defer_accept_seconds));
  }
  return static_cast<int>(syscall(SYS_listen, fd, backlog));
}

extern "C" int close(int fd) {
  psc::daemon::Guard* g = psc::daemon::guard.load(std::memory_order_acquire);
  // Cleared before the real close: once closed, the number can be handed out again at once.
  if (g != nullptr && fd >= 0 && fd < g->max_fd && g->is_accepted[fd].load()) {
    std::lock_guard<std::mutex> lock(g->mu);
    if (g->is_accepted[fd].exchange(false)) {
      psc::daemon::open_count.fetch_sub(1);
      if (g->is_shed[fd]) {
        g->is_shed[fd] = false;
        --g->shed_pending;
      }
    }
  }
  return psc::daemon::RealClose(fd);
}
