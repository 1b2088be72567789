#include "server/storage/etcd/etcd_store.h"

#include <map>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "server/common/catch_exceptions.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/common/stoppable_thread.h"
#include "server/storage/batch_write_txn.h"
#include "server/storage/commit_queue.h"
#include "server/storage/etcd/etcd_mirror.h"
#include "server/storage/keys.h"
#include "server/storage/rocks_store.h"

namespace psc::storage {
namespace {

using etcdserverpb::Compare;
using etcdserverpb::TxnRequest;
using etcdserverpb::TxnResponse;

constexpr uint64_t kOpOverheadBytes = 32;  // an op's framing in etcd's request, generously

absl::Status NoQuorum(absl::string_view detail) {
  return RetryLater(absl::StatusCode::kUnavailable, "NO_QUORUM",
                    absl::StrCat("the registry's etcd cluster cannot commit now (", detail,
                                 "); reads go on; retry with the same request_id"),
                    absl::Seconds(1));
}

// etcd's refusal of a commit as ours.
absl::Status CommitRefused(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    LogError("storage: etcd refused a commit: " + status.error_message());
    return RetryLater(absl::StatusCode::kUnavailable, "STORAGE_FULL",
                      "the registry's etcd cluster is out of space (its NOSPACE alarm): writes "
                      "are refused until an operator compacts, defragments and disarms it; "
                      "reads go on",
                      absl::Seconds(30));
  }
  LogError("storage: etcd refused a commit: " + status.error_message());
  return Error(absl::StatusCode::kInternal, "STORAGE_ERROR",
               "the registry's etcd cluster refused the write; the server log has the detail");
}

std::string NewNonce() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(absl::Hex(random(), absl::kZeroPad16), absl::Hex(random(), absl::kZeroPad16));
}

// A group's writes as etcd ops: the batch's last write of each key wins (etcd refuses a key
// twice in one Txn).
class OpCollector : public rocksdb::WriteBatch::Handler {
 public:
  OpCollector(const DbHandles& handles, const EtcdKeys& keys) : keys_(keys) {
    for (int f = 0; f < kFamilyCount; ++f) {
      families_[handles.cf(static_cast<Family>(f))->GetID()] = static_cast<Family>(f);
    }
  }
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    ops_[keys_.Key(families_.at(cf), absl::string_view(key.data(), key.size()))] = value.ToString();
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    ops_[keys_.Key(families_.at(cf), absl::string_view(key.data(), key.size()))] = std::nullopt;
    return rocksdb::Status::OK();
  }
  void AddTo(TxnRequest* txn) const {
    for (const auto& [key, value] : ops_) {
      auto* op = txn->add_success();
      if (value) {
        op->mutable_request_put()->set_key(key);
        op->mutable_request_put()->set_value(*value);
      } else {
        op->mutable_request_delete_range()->set_key(key);
      }
    }
  }

 private:
  const EtcdKeys& keys_;
  std::map<uint32_t, Family> families_;
  std::map<std::string, std::optional<std::string>> ops_;
};

class EtcdStore;

// The committer: each group becomes one guarded etcd Txn (or several, when it does not fit).
class EtcdCommitter final : public CommitQueue {
 public:
  EtcdCommitter(EtcdStore* store, const EtcdStoreOptions& options)
      : CommitQueue(options.local.max_queued, options.local.max_group_size),
        store_(store),
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
    TxnRequest txn;
    bool writes = false;
  };

  absl::Status ReadyToWrite() override;
  void CommitGroup(std::deque<PendingCommit>& group) override;
  // Commits a prefix of group[begin..] as one Txn; returns where the next one starts.
  size_t CommitSome(std::deque<PendingCommit>& group, size_t begin);
  Attempt Run(std::deque<PendingCommit>& group, size_t begin);
  // The attempt among `sent` that etcd committed, found through the guard's history, if any.
  const Attempt* Landed(const std::vector<Attempt>& sent, int64_t guard_now);

  EtcdStore* const store_;
  const EtcdStoreOptions& options_;
  absl::Time unreachable_since_ = absl::InfinitePast();  // committer thread only
  bool unreachable_ = false;
};

class EtcdStore final : public Store, public RocksBacked {
 public:
  EtcdStore(OpenedDb db, std::unique_ptr<EtcdClient> client, const EtcdStoreOptions& options)
      : options_(options),
        keys_(options.prefix),
        memory_(std::move(db.memory)),
        handles_(std::move(db.handles)),
        client_(std::move(client)),
        mirror_(client_.get(), handles_.get(), keys_) {}
  ~EtcdStore() override {
    prober_.reset();
    committer_.reset();  // drains the queue
    mirror_.Stop();
    handles_->Close();
  }

  absl::Status Start() {
    PSC_RETURN_IF_ERROR(mirror_.Start(options_.start_timeout));
    PSC_RETURN_IF_ERROR(CheckFormatVersion());
    committer_ = std::make_unique<EtcdCommitter>(this, options_);
    prober_ = std::make_unique<StoppableThread>([this](StoppableThread& self) { Probe(self); });
    return absl::OkStatus();
  }

  void Commit(Mutation mutation, CommitCallback done) override {
    committer_->Enqueue(std::move(mutation), std::move(done));
  }
  std::unique_ptr<ReadView> Snapshot() const override {
    return std::make_unique<RocksReadView>(handles_.get());
  }
  uint64_t last_sequence() const override { return mirror_.last_sequence(); }
  void SetCommitListener(std::function<void(uint64_t)> listener) override {
    mirror_.SetListener(std::move(listener));
  }
  uint64_t first_retained_sequence() const override { return FirstRetainedSequence(*handles_); }
  StoreStats stats() const override {
    StoreStats stats = DatabaseStats(*handles_, *memory_, options_.local.path);
    stats.queued = committer_->queued();
    MutexLock lock(&probe_mu_);
    stats.replication = probed_;
    stats.replication->mirror_age_seconds = absl::ToDoubleSeconds(absl::Now() - mirror_current_);
    stats.replication->revision = mirror_.revision();
    stats.replication->resyncs = mirror_.resyncs();
    return stats;
  }
  void Shutdown() override { committer_->Shutdown(); }
  rocksdb::DB* db() const override { return handles_->db.get(); }  // backups copy the mirror
  absl::Status TrimChangeLog(uint64_t first_kept,
                             const std::vector<std::string>& index_keys) override;

  const EtcdKeys& keys() const { return keys_; }
  const DbHandles& handles() const { return *handles_; }
  EtcdClient& client() { return *client_; }
  EtcdMirror& mirror() { return mirror_; }

 private:
  // Records the storage format in etcd when absent (only then: a replica that starts later
  // never overwrites it) and refuses a newer one.
  absl::Status CheckFormatVersion();
  // Sends `txn` (no guard: trims only), retrying an answer lost in transit, and waits for the
  // mirror to apply it.
  absl::Status SendAndMirror(const TxnRequest& txn);

  // Once a second: is etcd reachable, does the mirror hold its latest commit, is an alarm
  // raised? Every tenth round also etcd's database size.
  void Probe(StoppableThread& self);

  const EtcdStoreOptions options_;
  const EtcdKeys keys_;
  std::unique_ptr<MemoryBudget> memory_;  // outlives the mirror's database, which uses it
  std::unique_ptr<DbHandles> handles_;
  std::unique_ptr<EtcdClient> client_;
  EtcdMirror mirror_;
  std::unique_ptr<EtcdCommitter> committer_;
  Mutex trim_mu_;  // one trim at a time
  mutable Mutex probe_mu_;
  ReplicationStats probed_ ABSL_GUARDED_BY(probe_mu_);
  absl::Time mirror_current_ ABSL_GUARDED_BY(probe_mu_) = absl::Now();
  std::unique_ptr<StoppableThread> prober_;
};

void EtcdStore::Probe(StoppableThread& self) {
  for (int round = 0; self.WaitFor(absl::Seconds(1)); ++round) {
    absl::StatusOr<int64_t> guard = mirror_.CurrentGuard();
    const bool current = guard.ok() && mirror_.guard_revision() >= *guard;
    etcdserverpb::StatusResponse status;
    etcdserverpb::AlarmResponse alarms;
    const bool sized = round % 10 == 0 && client_->Status(&status).ok();
    const bool alarmed = client_->Alarms(&alarms).ok();
    MutexLock lock(&probe_mu_);
    probed_.reachable = guard.ok();
    if (current) mirror_current_ = absl::Now();
    if (sized) probed_.cluster_db_bytes = status.dbsize();
    if (alarmed) {
      probed_.cluster_out_of_space = false;
      for (const auto& alarm : alarms.alarms()) {
        if (alarm.alarm() == etcdserverpb::NOSPACE) probed_.cluster_out_of_space = true;
      }
    }
  }
}

absl::Status EtcdCommitter::ReadyToWrite() {
  // The mirror must take every commit before it is acknowledged.
  if (FreeBytes(options_.local.path) < options_.local.min_free_bytes) return StorageFull();
  // While etcd cannot commit, fail fast, and ask again at most once a second.
  if (unreachable_ && absl::Now() - unreachable_since_ < absl::Seconds(1)) {
    return NoQuorum("it did not answer within the last second");
  }
  return absl::OkStatus();
}

void EtcdCommitter::CommitGroup(std::deque<PendingCommit>& group) {
  const absl::Time start = absl::Now();
  size_t begin = 0;
  while (begin < group.size()) begin = CommitSome(group, begin);
  if (options_.local.commit_observer) {
    options_.local.commit_observer({.group_size = group.size(), .write = absl::Now() - start});
  }
}

EtcdCommitter::Attempt EtcdCommitter::Run(std::deque<PendingCommit>& group, size_t begin) {
  EtcdMirror& mirror = store_->mirror();
  const DbHandles& handles = store_->handles();
  const EtcdKeys& keys = store_->keys();
  Attempt attempt;
  // The guard first: any commit after it (whose data the mutations may or may not read) moves
  // the guard, and the Txn's compare then fails.
  attempt.guard = mirror.guard_revision();
  const uint64_t first = mirror.last_sequence();
  rocksdb::WriteBatchWithIndex batch(/*cmp=*/nullptr, /*reserved_bytes=*/0,
                                     /*overwrite_key=*/true);
  uint64_t sequence = first;
  const auto fits = [&] {
    const uint64_t ops = batch.GetWriteBatch()->Count() + 2;  // + the last sequence, the guard
    const uint64_t bytes =
        batch.GetWriteBatch()->GetDataSize() + ops * (kOpOverheadBytes + keys.prefix().size() + 1);
    return ops <= static_cast<uint64_t>(options_.max_txn_ops) &&
           bytes <= options_.max_request_bytes;
  };
  size_t i = begin;
  for (; i < group.size(); ++i) {
    batch.SetSavePoint();
    BatchWriteTxn txn(&handles, &batch, sequence + 1);
    absl::Status status = CatchExceptions("a mutation", [&] { return group[i].mutation(txn); });
    if (status.ok() && txn.wrote_logged() && txn.changes().empty()) {
      status = absl::InternalError("mutation wrote without a change-log entry");
    }
    if (!status.ok()) {
      batch.RollbackToSavePoint();
      attempt.results.push_back(status);
      continue;
    }
    for (size_t c = 0; c < txn.changes().size(); ++c) {
      batch.Put(handles.cf(Family::kChangeLog), ChangeLogKey(sequence + 1 + c), txn.changes()[c]);
    }
    if (!fits()) {
      batch.RollbackToSavePoint();
      if (i > begin) break;  // the next Txn takes it
      attempt.results.push_back(Error(
          absl::StatusCode::kFailedPrecondition, "COMMIT_TOO_LARGE",
          absl::StrCat("this change is larger than one etcd transaction takes (",
                       options_.max_txn_ops, " operations, ", options_.max_request_bytes,
                       " bytes): raise --max-txn-ops and --max-request-bytes on the etcd "
                       "cluster and pscd's --etcd-max-txn-ops and --etcd-max-request-bytes")));
      continue;
    }
    batch.PopSavePoint();
    if (txn.wrote_any()) attempt.writes = true;
    sequence += txn.changes().size();
    attempt.results.push_back(txn.changes().empty() ? uint64_t{0} : sequence);
  }
  attempt.end = i;
  if (!attempt.writes) return attempt;
  OpCollector ops(handles, keys);
  batch.GetWriteBatch()->Iterate(&ops);
  ops.AddTo(&attempt.txn);
  if (sequence != first) {
    auto* put = attempt.txn.add_success()->mutable_request_put();
    put->set_key(keys.Key(Family::kMeta, kLastSequenceKey));
    put->set_value(KeyBuilder().AddUint64(sequence).key());
  }
  attempt.nonce = NewNonce();
  auto* guard = attempt.txn.add_success()->mutable_request_put();
  guard->set_key(keys.Guard());
  guard->set_value(attempt.nonce);
  Compare* compare = attempt.txn.add_compare();
  compare->set_key(keys.Guard());
  compare->set_target(Compare::MOD);
  compare->set_result(Compare::EQUAL);
  compare->set_mod_revision(attempt.guard);  // 0: no commit yet, the guard is absent
  attempt.txn.add_failure()->mutable_request_range()->set_key(keys.Guard());
  return attempt;
}

const EtcdCommitter::Attempt* EtcdCommitter::Landed(const std::vector<Attempt>& sent,
                                                    int64_t guard_now) {
  EtcdMirror& mirror = store_->mirror();
  if (!mirror.WaitForGuard(guard_now, options_.commit_timeout)) return nullptr;
  for (const Attempt& attempt : sent) {
    if (mirror.GuardWrittenAt(attempt.nonce)) return &attempt;
  }
  return nullptr;
}

size_t EtcdCommitter::CommitSome(std::deque<PendingCommit>& group, size_t begin) {
  EtcdMirror& mirror = store_->mirror();
  EtcdClient& client = store_->client();
  const absl::Time deadline = absl::Now() + options_.commit_timeout;
  // Every attempt sent whose outcome is not known: any of them may yet be the one that landed.
  std::vector<Attempt> sent;
  absl::Status last_error = absl::DeadlineExceededError("no answer");
  const auto finish = [&](const Attempt& attempt) {
    for (size_t i = begin; i < attempt.end; ++i) group[i].result = attempt.results[i - begin];
    unreachable_ = false;
    return attempt.end;
  };
  while (absl::Now() < deadline) {
    Attempt attempt = Run(group, begin);
    if (!attempt.writes) {
      // Nothing to write: the outcome stands if the mirror was current (a linearizable read
      // of the guard says so); otherwise catch up and run again.
      absl::StatusOr<int64_t> now = mirror.CurrentGuard();
      if (now.ok() && *now == attempt.guard) return finish(attempt);
      if (now.ok()) {
        if (const Attempt* landed = Landed(sent, *now)) return finish(*landed);
        continue;
      }
      last_error = now.status();
      absl::SleepFor(absl::Milliseconds(100));
      continue;
    }
    // Send it, and again while the answer is lost: the compare lets at most one copy apply.
    bool recorded = false;
    while (absl::Now() < deadline) {
      TxnResponse response;
      grpc::Status status = client.Txn(attempt.txn, &response);
      if (status.ok() && options_.lose_commit_answer && options_.lose_commit_answer()) {
        status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the answer was lost (injected)");
      }
      if (status.ok() && response.succeeded()) {
        const int64_t committed = response.header().revision();
        // A watch normally delivers the commit within milliseconds; when it does not, its
        // member may be stopped or cut off: follow another.
        if (!mirror.WaitForGuard(committed, absl::Milliseconds(500))) mirror.Reconnect();
        if (!mirror.WaitForGuard(committed, options_.commit_timeout)) {
          LogError(absl::StrCat("storage: acknowledging commit ", response.header().revision(),
                                " before the mirror applied it (the mirror is behind etcd)"));
        }
        return finish(attempt);
      }
      if (status.ok()) {  // the guard moved: another commit (a replica's, or a lost copy of ours)
        const auto& kvs = response.responses(0).response_range().kvs();
        const int64_t guard_now = kvs.empty() ? 0 : kvs[0].mod_revision();
        sent.push_back(std::move(attempt));
        recorded = true;
        if (const Attempt* landed = Landed(sent, guard_now)) return finish(*landed);
        break;  // run the group again on the caught-up mirror
      }
      if (!OutcomeUnknown(status)) {
        Attempt refused = std::move(attempt);
        for (auto& result : refused.results) {
          if (result.ok()) result = CommitRefused(status);
        }
        return finish(refused);
      }
      last_error = FromGrpc(status);
      absl::SleepFor(absl::Milliseconds(50));
    }
    if (!recorded) sent.push_back(std::move(attempt));
  }
  // Out of time. An attempt may still have landed: the mirror knows once etcd answers again.
  for (const Attempt& attempt : sent) {
    if (mirror.GuardWrittenAt(attempt.nonce)) return finish(attempt);
  }
  if (!unreachable_) {
    LogError(absl::StrCat("storage: etcd did not commit within ",
                          absl::FormatDuration(options_.commit_timeout), ": ", last_error.message(),
                          "; writes fail fast until it answers"));
  }
  unreachable_ = true;
  unreachable_since_ = absl::Now();
  for (size_t i = begin; i < group.size(); ++i) group[i].result = NoQuorum(last_error.message());
  return group.size();
}

absl::Status EtcdStore::CheckFormatVersion() {
  TxnRequest txn;
  const std::string key = keys_.Key(Family::kMeta, kFormatVersionKey);
  Compare* absent = txn.add_compare();
  absent->set_key(key);
  absent->set_target(Compare::CREATE);
  absent->set_result(Compare::EQUAL);
  absent->set_create_revision(0);
  auto* put = txn.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(KeyBuilder().AddUint64(kFormatVersion).key());
  txn.add_failure()->mutable_request_range()->set_key(key);
  TxnResponse response;
  // Idempotent: a retry after a lost answer finds the version present.
  grpc::Status status;
  for (int attempt = 0; attempt < 10; ++attempt) {
    status = client_->Txn(txn, &response);
    if (status.ok() || !OutcomeUnknown(status)) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  if (!status.ok()) {
    return absl::UnavailableError("cannot record the storage format in etcd: " +
                                  status.error_message());
  }
  // Readers of the mirror see the format once this returns.
  if (response.succeeded()) {
    mirror_.WaitForRevision(response.header().revision(), options_.start_timeout);
    return absl::OkStatus();
  }
  const auto& kvs = response.responses(0).response_range().kvs();
  if (!kvs.empty()) mirror_.WaitForRevision(kvs[0].mod_revision(), options_.start_timeout);
  uint64_t version = 0;
  if (kvs.empty() || !KeyReader(kvs[0].value()).ReadUint64(&version)) {
    return absl::FailedPreconditionError("the registry in etcd has an unreadable format version");
  }
  if (version > kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the registry in etcd (prefix ", keys_.prefix(), ") is in storage format ", version,
        ", written by a newer pscd; this pscd reads formats up to ", kFormatVersion));
  }
  return absl::OkStatus();
}

absl::Status EtcdStore::SendAndMirror(const TxnRequest& txn) {
  TxnResponse response;
  grpc::Status status;
  const absl::Time deadline = absl::Now() + options_.commit_timeout;
  do {
    status = client_->Txn(txn, &response);
    if (status.ok() || !OutcomeUnknown(status)) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < deadline);  // a trim is idempotent: repeating it is safe
  if (!status.ok()) return FromGrpc(status);
  mirror_.WaitForRevision(response.header().revision(), options_.commit_timeout);
  return absl::OkStatus();
}

absl::Status EtcdStore::TrimChangeLog(uint64_t first_kept,
                                      const std::vector<std::string>& index_keys) {
  MutexLock lock(&trim_mu_);
  if (first_kept <= first_retained_sequence()) return absl::OkStatus();
  first_kept = std::min(first_kept, last_sequence() + 1);
  // The index entries first, in Txns that fit; then the log and its new start together. Every
  // replica may trim: each step is idempotent.
  const size_t per_txn = std::max(1, options_.max_txn_ops - 2);
  for (size_t i = 0; i < index_keys.size(); i += per_txn) {
    TxnRequest txn;
    for (size_t j = i; j < std::min(index_keys.size(), i + per_txn); ++j) {
      txn.add_success()->mutable_request_delete_range()->set_key(
          keys_.Key(Family::kIndex, index_keys[j]));
    }
    PSC_RETURN_IF_ERROR(SendAndMirror(txn));
  }
  TxnRequest txn;
  auto* log = txn.add_success()->mutable_request_delete_range();
  log->set_key(keys_.Key(Family::kChangeLog, ChangeLogKey(0)));
  log->set_range_end(keys_.Key(Family::kChangeLog, ChangeLogKey(first_kept)));
  auto* first = txn.add_success()->mutable_request_put();
  first->set_key(keys_.Key(Family::kMeta, kFirstSequenceKey));
  first->set_value(KeyBuilder().AddUint64(first_kept).key());
  return SendAndMirror(txn);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenEtcdStore(const EtcdStoreOptions& options) {
  if (options.prefix.empty()) return absl::InvalidArgumentError("etcd: the key prefix is empty");
  PSC_ASSIGN_OR_RETURN(std::unique_ptr<EtcdClient> client, EtcdClient::Create(options.etcd));
  PSC_ASSIGN_OR_RETURN(OpenedDb db, OpenDataDir(options.local, /*read_only=*/false));
  auto store = std::make_unique<EtcdStore>(std::move(db), std::move(client), options);
  PSC_RETURN_IF_ERROR(store->Start());
  return store;
}

}  // namespace psc::storage
