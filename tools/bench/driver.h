#pragma once
// The load loop psc-load's operations share: N client threads issuing calls for a fixed time or
// count, and the summary line tools/bench/ scripts read (op=... ops_per_s=... p50_us=...).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace psc::bench {

struct DriveResult {
  std::vector<double> latencies_us;  // sorted
  int errors = 0;
  double seconds = 0;  // wall time of the whole run
};

// One call: thread `t` (0 .. clients-1) issues call number `number` (0, 1, ... across all
// threads). Returns an error (counted; the first is printed), nullopt to record the call's own
// latency, or a latency (µs) to record instead (e.g. a lag the call measured).
using Call = std::function<absl::StatusOr<std::optional<double>>(int t, long number)>;

// Runs `call` from `clients` threads until `seconds` have passed or, if `count` > 0, `count`
// calls have been issued.
DriveResult Drive(int clients, double seconds, long count, const Call& call);

// "op=OP clients=N calls=... errors=... seconds=... ops_per_s=... p50_us=... p99_us=..."
void PrintSummary(const std::string& op, int clients, const DriveResult& result);

// The p-th quantile (0..1) of sorted `values`; 0 when empty.
double Quantile(const std::vector<double>& values, double p);

}  // namespace psc::bench
