#pragma once
// A last line of defence for the listener: every `interval`, connect to pscd's own port over
// loopback, send a byte, and check that the connection is taken off the accept queue
// (accept_guard.h counts every accept). After `max_failures` probes in a row see nothing accepted
// within `timeout`, call `on_deaf` once: pscd then stops (non-zero exit) for its supervisor to
// restart it. With fsync on (the default) every acknowledged write is already durable.

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "server/common/stoppable_thread.h"

namespace psc::daemon {

struct ProbeOptions {
  absl::Duration interval = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(5);
  int max_failures = 3;
};

class ListenerProbe {
 public:
  // `host` and `port`: the address to connect to (a loopback address when pscd listens on
  // every interface).
  ListenerProbe(std::string host, int port, ProbeOptions options, std::function<void()> on_deaf);
  ~ListenerProbe() = default;  // stops the probe thread

 private:
  void Run(StoppableThread& self);
  // Whether one probe saw its connection accepted.
  bool ProbeOnce();

  const std::string host_;
  const int port_;
  const ProbeOptions options_;
  const std::function<void()> on_deaf_;
  StoppableThread thread_;  // last: it uses the members above
};

// The address a probe of a server listening on `listen_host` connects to: the host itself, or
// the loopback address of its family for a wildcard address.
std::string ProbeHostFor(const std::string& listen_host);

}  // namespace psc::daemon
