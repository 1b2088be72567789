#pragma once

// The etcd store: the registry kept in an etcd v3 cluster, so that several pscd replicas serve
// one registry and losing a machine loses nothing acknowledged (docs/high-availability.md).
// Writes: each group commit is one etcd Txn, guarded by a compare on the commit guard key
// that every commit writes, so commits of all replicas are serialized and change-log
// sequences stay gapless; a replica whose guard is stale re-runs its group on fresh data.
// Reads: a local mirror (etcd_mirror.h) that a pscd brings up to its own commit before
// acknowledging it.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/etcd/etcd_client.h"
#include "server/storage/store.h"

namespace psc::storage {

struct EtcdStoreOptions {
  // The mirror's data dir, its memory, the queue's bounds, the commit observer and the
  // free-space reserve of the mirror's disk. `sync` does not apply: etcd fsyncs every commit.
  StoreOptions local;
  etcd::ClientOptions etcd;
  // Every key of this registry lives under it (one cluster may hold several registries).
  std::string prefix = "/psc-registry/";
  // The cluster's --max-txn-ops and --max-request-bytes: a group commit is cut to fit them,
  // and one mutation that cannot fit alone fails with FAILED_PRECONDITION, COMMIT_TOO_LARGE.
  int max_txn_ops = 10000;
  uint64_t max_request_bytes = 8ull << 20;
  // How long Open waits for etcd to load or catch up the mirror.
  absl::Duration start_timeout = absl::Seconds(30);
  // How long one commit may wait on etcd (a leader election, an answer lost in transit) before
  // its callers get UNAVAILABLE, reason NO_QUORUM, with a RetryInfo: longer than an election
  // and a call timeout, short enough that a caller's deadline sees NO_QUORUM.
  absl::Duration commit_timeout = absl::Seconds(4);
  // How long a replica's published position (Store::PublishReplicaPosition) outlives it: a
  // lease it keeps alive once a second.
  absl::Duration replica_ttl = absl::Seconds(30);
  // Tests only: asked after etcd answered each commit Txn; true makes the store treat the
  // answer as lost, as when the connection drops after the request was sent.
  std::function<bool()> lose_commit_answer;
};

// Opens the mirror at `options.local.path` (an empty dir, or one this store made before),
// loads or catches it up from etcd, records the storage format in etcd when absent, and
// starts following etcd. UNAVAILABLE when etcd cannot be reached within start_timeout and the
// mirror is empty; FAILED_PRECONDITION for a data dir of the embedded store or a registry in
// etcd of a newer format; INVALID_ARGUMENT for bad etcd options.
absl::StatusOr<std::unique_ptr<Store>> OpenEtcdStore(const EtcdStoreOptions& options);

}  // namespace psc::storage
