#include "server/daemon/listener_probe.h"

#include <errno.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/daemon/accept_guard.h"

namespace psc::daemon {

std::string ProbeHostFor(const std::string& listen_host) {
  std::string host = listen_host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "::1";
  return host;
}

ListenerProbe::ListenerProbe(std::string host, int port, ProbeOptions options,
                             std::function<void()> on_deaf)
    : host_(std::move(host)),
      port_(port),
      options_(options),
      on_deaf_(std::move(on_deaf)),
      thread_([this](StoppableThread& self) { Run(self); }) {}

bool ListenerProbe::ProbeOnce() {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host_.c_str(), absl::StrCat(port_).c_str(), &hints, &found) != 0) return true;
  const uint64_t before = AcceptActivity();
  const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  // Non-blocking: with the accept queue full the kernel drops the SYN and a blocking connect
  // would wait minutes. Either way only an accept counts.
  const bool connected =
      fd >= 0 && (connect(fd, found->ai_addr, found->ai_addrlen) == 0 || errno == EINPROGRESS);
  freeaddrinfo(found);
  bool accepted = !connected;  // no socket or no connect: not the listener's fault
  bool sent = false;
  for (absl::Time end = absl::Now() + options_.timeout; connected && absl::Now() < end;) {
    // One byte once connected: the kernel holds back a connection that sends nothing
    // (TCP_DEFER_ACCEPT, accept_guard.h). pscd reads it as a bad handshake and closes.
    if (!sent) sent = send(fd, "", 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1;
    if (AcceptActivity() != before) {
      accepted = true;
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  if (fd >= 0) close(fd);
  return accepted;
}

void ListenerProbe::Run(StoppableThread& self) {
  int failures = 0;
  while (self.WaitFor(options_.interval)) {
    if (ProbeOnce()) {
      failures = 0;
      continue;
    }
    ++failures;
    LogWarning(absl::StrCat("pscd: listener probe ", failures, " of ", options_.max_failures,
                            ": a connection to ", host_, ":", port_, " was not accepted within ",
                            absl::FormatDuration(options_.timeout)));
    if (failures >= options_.max_failures) {
      LogError(
          "pscd: the listener has stopped accepting connections; stopping so that the "
          "supervisor restarts pscd");
      on_deaf_();
      return;
    }
  }
}

}  // namespace psc::daemon
