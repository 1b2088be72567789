#pragma once
// A token bucket: `rate` tokens a second, holding at most `burst`. pscd's per-identity write
// limit and psc-web's per-address request limit are both one.

#include <algorithm>

#include "absl/time/time.h"

namespace psc {

// Not thread-safe: its owner locks. Times come from the owner's clock (server/common/clock.h).
class TokenBucket {
 public:
  // Full at `now`.
  TokenBucket(double rate, double burst, absl::Time now)
      : rate_(rate), burst_(burst), tokens_(burst), refilled_(now) {}

  // Refills for the time since the last call, then takes `n` tokens when at least one is there
  // (the bucket may go below zero, so a batch waits no longer than a single take, and later
  // takes wait for the refill); whether it took them.
  bool Take(absl::Time now, double n = 1) {
    Refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= n;
    return true;
  }

  // How long until a token is there, as of the last call.
  absl::Duration WaitForOne() const {
    return tokens_ >= 1 ? absl::ZeroDuration() : absl::Seconds((1 - tokens_) / rate_);
  }

 private:
  void Refill(absl::Time now) {
    if (now > refilled_) {
      tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - refilled_) * rate_);
      refilled_ = now;
    }
  }

  const double rate_;
  const double burst_;
  double tokens_;
  absl::Time refilled_;
};

}  // namespace psc
