#pragma once

// Storage-internal: the local mirror of the registry's keys in etcd, as kube-apiserver keeps a
// watch cache. A RocksDB of its own (the data dir) is filled by a paged Range at one revision,
// then follows a Watch from the next revision; each watch response (whole etcd revisions) is
// applied as one batch, with the revision it reached, so a reader's snapshot is always the
// registry as of one etcd revision. A compacted revision or another cluster's id forces a
// clean resync, logged.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/common/mutex.h"
#include "server/etcd/etcd_client.h"
#include "server/storage/db_handles.h"
#include "server/storage/etcd/etcd_keys.h"

namespace psc::storage {

class EtcdMirror {
 public:
  // `client` and `handles` must outlive the mirror. After its disk filled (a write failed for
  // space), the mirror resumes RocksDB and follows etcd again once `resume_free_bytes` are free.
  EtcdMirror(etcd::Client* client, const DbHandles* handles, EtcdKeys keys,
             uint64_t resume_free_bytes);
  ~EtcdMirror();  // Stop()

  // Refuses a data dir that holds an embedded store; brings the mirror up to the commit guard
  // etcd holds now (within `timeout`), then follows etcd on a thread of its own. A mirror that
  // has data starts even when etcd cannot be reached (its reads are stale until it can).
  absl::Status Start(absl::Duration timeout);
  void Stop();

  // The last etcd revision applied, and the revision of the last commit applied (the commit
  // guard's mod revision; 0 before any).
  int64_t revision() const;
  int64_t guard_revision() const;
  // The last change-log sequence applied.
  uint64_t last_sequence() const { return last_sequence_.load(std::memory_order_acquire); }

  // Waits until the commit of revision `guard` (or a later one) is applied; false on timeout
  // or Stop().
  bool WaitForGuard(int64_t guard, absl::Duration timeout);
  // Waits until etcd revision `revision` (or a later one) is applied; false on timeout or
  // Stop(). Only for a revision that changed a key of the registry.
  bool WaitForRevision(int64_t revision, absl::Duration timeout);
  // Waits until the change log up to `sequence` is applied; false on timeout or Stop().
  bool WaitForSequence(uint64_t sequence, absl::Duration timeout) const;
  // The revision at which the commit guard took `nonce`, among the last few thousand commits
  // applied, or nullopt.
  std::optional<int64_t> GuardWrittenAt(const std::string& nonce) const;
  // Ends the current watch so that the mirror follows the next member: after a commit it has
  // not seen, its member may be stopped or cut off (keepalive finds that only in seconds).
  void Reconnect();
  // The commit guard's revision in etcd now (a linearizable read), or the error.
  absl::StatusOr<int64_t> CurrentGuard();

  // Store::SetCommitListener's contract: called after each applied batch that advanced the
  // change log, with its last sequence.
  void SetListener(std::function<void(uint64_t)> listener);

  // When the watch last heard from etcd (an event, a progress report or its start).
  absl::Time last_contact() const;
  uint64_t resyncs() const;

 private:
  struct Applied;
  // Replaces the mirror's content with etcd's at its current revision: page by page into an
  // empty mirror (nobody reads it yet), in one batch otherwise.
  absl::Status Load(bool in_one_batch);
  // Follows the watch until it ends; OUT_OF_RANGE when etcd compacted past the mirror (or the
  // cluster changed), so that the caller resyncs.
  absl::Status Follow();
  void Run();
  // Writes `batch` and the mirror's position; publishes the new state and wakes waiters.
  absl::Status Write(rocksdb::WriteBatch* batch, const Applied& applied);
  bool stopping() const;
  // After a write failed for space: waits until the disk has resume_free_bytes_ free (or Stop),
  // then resumes RocksDB, which refuses every write until then. Retries once a second.
  void ResumeAfterFullDisk();
  // Waits until `reached()` holds (under mu_), or timeout or Stop().
  bool WaitUntil(const std::function<bool()>& reached, absl::Duration timeout) const;

  etcd::Client* const client_;
  const DbHandles* const handles_;
  const EtcdKeys keys_;
  const uint64_t resume_free_bytes_;

  mutable Mutex mu_;
  mutable CondVar advanced_;
  int64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t guard_revision_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t cluster_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::pair<std::string, int64_t>> nonces_ ABSL_GUARDED_BY(mu_);
  absl::Time last_contact_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t resyncs_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  etcd::Watch* watch_ ABSL_GUARDED_BY(mu_) = nullptr;  // the one Follow reads
  std::atomic<uint64_t> last_sequence_{0};

  Mutex listener_mu_;
  std::function<void(uint64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);

  std::thread thread_;
};

}  // namespace psc::storage
