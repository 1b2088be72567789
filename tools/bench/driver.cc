#include "tools/bench/driver.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/time/clock.h"

namespace psc::bench {

DriveResult Drive(int clients, double seconds, long count, const Call& call) {
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::atomic<long> issued{0};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load(std::memory_order_relaxed)) {
        const long number = issued.fetch_add(1);
        if (count > 0 && number >= count) break;
        const absl::Time begin = absl::Now();
        absl::StatusOr<std::optional<double>> took = call(t, number);
        if (!took.ok()) {
          if (errors.fetch_add(1) == 0) {
            std::fprintf(stderr, "psc-load: first error: %s\n", took.status().ToString().c_str());
          }
        } else if (took->has_value()) {
          latencies[t].push_back(**took);
          continue;
        }
        latencies[t].push_back(absl::ToDoubleMicroseconds(absl::Now() - begin));
      }
    });
  }
  const absl::Time end_by = absl::Now() + absl::Seconds(seconds);
  while (absl::Now() < end_by && (count == 0 || issued.load() < count)) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  stop = true;
  for (auto& th : threads) th.join();
  DriveResult result;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  result.errors = errors.load();
  for (auto& l : latencies)
    result.latencies_us.insert(result.latencies_us.end(), l.begin(), l.end());
  std::sort(result.latencies_us.begin(), result.latencies_us.end());
  return result;
}

double Quantile(const std::vector<double>& values, double p) {
  return values.empty() ? 0 : values[static_cast<size_t>(p * (values.size() - 1))];
}

void PrintSummary(const std::string& op, int clients, const DriveResult& r) {
  std::printf(
      "op=%s clients=%d calls=%zu errors=%d seconds=%.2f ops_per_s=%.0f p50_us=%.0f "
      "p99_us=%.0f\n",
      op.c_str(), clients, r.latencies_us.size(), r.errors, r.seconds,
      r.latencies_us.size() / r.seconds, Quantile(r.latencies_us, 0.5),
      Quantile(r.latencies_us, 0.99));
}

}  // namespace psc::bench
