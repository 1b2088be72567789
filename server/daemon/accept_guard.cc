#include "server/daemon/accept_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace psc::daemon {
namespace {

// Set once by InstallAcceptGuard, before any thread accepts, and never freed.
struct Guard {
  int max_connections = 0;
  int max_fd = 0;
  std::unique_ptr<std::atomic<bool>[]> is_accepted;  // by descriptor
  std::mutex spare_mu;
  int spare = -1;  // guarded by spare_mu: a descriptor held back for EMFILE
};
std::atomic<Guard*> guard{nullptr};

std::atomic<int64_t> open_count{0}, accepted{0}, refused{0}, exhausted{0};
std::atomic<uint64_t> activity{0};

int RealAccept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  return static_cast<int>(syscall(SYS_accept4, fd, addr, len, flags));
}
int RealClose(int fd) { return static_cast<int>(syscall(SYS_close, fd)); }

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
    if (open_count.fetch_add(1) >= g->max_connections) {
      open_count.fetch_sub(1);
      refused.fetch_add(1);
      RealClose(fd);
      continue;
    }
    accepted.fetch_add(1);
    g->is_accepted[fd].store(true);
    return fd;
  }
}

}  // namespace

void InstallAcceptGuard(int max_connections, int max_fd) {
  auto* g = new Guard;  // lives as long as the process
  g->max_connections = max_connections;
  g->max_fd = max_fd;
  g->is_accepted = std::make_unique<std::atomic<bool>[]>(max_fd);
  g->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
  guard.store(g, std::memory_order_release);
}

AcceptCounts GetAcceptCounts() {
  return {open_count.load(), accepted.load(), refused.load(), exhausted.load()};
}

uint64_t AcceptActivity() { return activity.load(); }

}  // namespace psc::daemon

// The process-wide definitions (see accept_guard.h).
extern "C" int accept4(int fd, sockaddr* __restrict addr, socklen_t* __restrict len, int flags) {
  return psc::daemon::GuardedAccept4(fd, addr, len, flags);
}

extern "C" int close(int fd) {
  psc::daemon::Guard* g = psc::daemon::guard.load(std::memory_order_acquire);
  // Cleared before the real close: once closed, the number can be handed out again at once.
  if (g != nullptr && fd >= 0 && fd < g->max_fd && g->is_accepted[fd].exchange(false)) {
    psc::daemon::open_count.fetch_sub(1);
  }
  return psc::daemon::RealClose(fd);
}
