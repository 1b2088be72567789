#pragma once
// Waiting in a test for what another thread or process does on its own schedule: a watch
// delivering, an index catching up, a server reloading. The only place tests poll.

#include <algorithm>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace psc::testing {

// Polls `condition` (briefly at first, then every 20 ms) until it holds or `timeout` has
// passed; whether it held. The timeout bounds a broken test and is never a measurement: a
// passing test waits only as long as the condition takes.
template <typename Condition>
bool Eventually(Condition condition, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time end = absl::Now() + timeout;
  for (absl::Duration pause = absl::Milliseconds(1);;
       pause = std::min(pause * 2, absl::Milliseconds(20))) {
    if (condition()) return true;
    if (absl::Now() >= end) return condition();
    absl::SleepFor(pause);
  }
}

}  // namespace psc::testing
