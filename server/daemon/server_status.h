#pragma once
// `psc admin status`: what GetServerStatus answers, read from the same sources as the
// Prometheus gauges so that the two never disagree.

#include <functional>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "psc/registry/v1/server_status.pb.h"
#include "server/daemon/metrics.h"

namespace psc::daemon {

struct StatusSources {
  MetricSources state;  // every function set
  std::string store;    // "rocksdb" or "etcd"
  absl::Time start_time;
  std::function<bool()> serving;  // what health reports for the Registry service
  // The lowest index position a live replica published (Store::SlowestReplicaPosition).
  std::function<std::optional<uint64_t>()> slowest_replica;
};

// The status now. Thread-safe when the sources are.
registry::v1::ServerStatus ReadServerStatus(const StatusSources& sources);

}  // namespace psc::daemon
