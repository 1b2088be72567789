#pragma once

// Storage-internal: the etcd store's committer. Each group of mutations runs against the local
// mirror and is sent as one etcd Txn, guarded by a compare on the commit guard that every
// commit rewrites: a replica whose view is stale loses the compare, catches up and runs the
// group again, so commits of all replicas are serialized and change-log sequences stay
// gapless. An answer lost after sending is resolved through the guard's history (every copy
// of an attempt carries its nonce), never guessed.

#include <deque>
#include <string>
#include <vector>

#include "server/etcd/etcd_client.h"
#include "server/storage/commit_queue.h"
#include "server/storage/db_handles.h"
#include "server/storage/etcd/etcd_keys.h"
#include "server/storage/etcd/etcd_mirror.h"
#include "server/storage/etcd/etcd_store.h"

namespace psc::storage {

// A fresh random nonce (32 hex digits).
std::string NewNonce();

class EtcdCommitter final : public CommitQueue {
 public:
  // Every argument must outlive the committer.
  EtcdCommitter(EtcdMirror* mirror, const DbHandles* handles, const EtcdKeys* keys,
                etcd::Client* client, const EtcdStoreOptions& options)
      : CommitQueue(options.local.max_queued, options.local.max_group_size),
        mirror_(mirror),
        handles_(handles),
        keys_(keys),
        client_(client),
        options_(options) {
    StartThread();
  }
  ~EtcdCommitter() override { StopAndJoin(); }

 private:
  // One run of a group's mutations from `begin` against the mirror, ready to send.
  struct Attempt {
    int64_t guard = 0;  // the commit guard it read under
    std::string nonce;  // what it writes to the guard
    size_t end = 0;     // the mutations it holds: [begin, end)
    std::vector<absl::StatusOr<uint64_t>> results;
    etcdserverpb::TxnRequest txn;
    bool writes = false;
  };

  absl::Status ReadyToWrite() override;
  void CommitGroup(std::deque<PendingCommit>& group) override;
  // Commits a prefix of group[begin..] as one Txn; returns where the next one starts.
  size_t CommitSome(std::deque<PendingCommit>& group, size_t begin);
  Attempt Run(std::deque<PendingCommit>& group, size_t begin);
  // The attempt among `sent` that etcd committed, found through the guard's history, if any.
  const Attempt* Landed(const std::vector<Attempt>& sent, int64_t guard_now);

  EtcdMirror* const mirror_;
  const DbHandles* const handles_;
  const EtcdKeys* const keys_;
  etcd::Client* const client_;
  const EtcdStoreOptions& options_;
  absl::Time unreachable_since_ = absl::InfinitePast();  // committer thread only
  bool unreachable_ = false;
};

}  // namespace psc::storage
