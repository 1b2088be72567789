#include "server/storage/etcd/etcd_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/common/stoppable_thread.h"
#include "server/storage/etcd/etcd_committer.h"
#include "server/storage/etcd/etcd_mirror.h"
#include "server/storage/keys.h"
#include "server/storage/rocks_store.h"

namespace psc::storage {
namespace {

using etcdserverpb::Compare;
using etcdserverpb::TxnRequest;
using etcdserverpb::TxnResponse;

// The etcd store: a mirror to read, a committer to write, a prober for health and positions.
class EtcdStore final : public Store, public RocksBacked {
 public:
  EtcdStore(OpenedDb db, std::unique_ptr<etcd::Client> client, const EtcdStoreOptions& options)
      : options_(options),
        keys_(options.prefix),
        memory_(std::move(db.memory)),
        handles_(std::move(db.handles)),
        client_(std::move(client)),
        mirror_(client_.get(), handles_.get(), keys_, ResumeFreeBytes(options_.local)) {}
  ~EtcdStore() override {
    prober_.reset();
    if (lease_ != 0) (void)client_->LeaseRevoke(lease_);  // its position goes at once
    committer_.reset();                                   // drains the queue
    mirror_.Stop();
    handles_->Close();
  }

  absl::Status Start() {
    PSC_RETURN_IF_ERROR(mirror_.Start(options_.start_timeout));
    PSC_RETURN_IF_ERROR(CheckFormatVersion());
    committer_ =
        std::make_unique<EtcdCommitter>(&mirror_, handles_.get(), &keys_, client_.get(), options_);
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
  absl::Status AwaitSequence(uint64_t sequence, absl::Time deadline) const override;
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
  void PublishReplicaPosition(uint64_t sequence) override {
    MutexLock lock(&probe_mu_);
    position_ = sequence;
  }
  std::optional<uint64_t> SlowestReplicaPosition() const override {
    MutexLock lock(&probe_mu_);
    return slowest_;
  }
  rocksdb::DB* db() const override { return handles_->db.get(); }  // backups copy the mirror
  absl::Status TrimChangeLog(uint64_t first_kept,
                             const std::vector<std::string>& index_keys) override;

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
  // Publishes this replica's position under a key of its lease, and reads every replica's.
  void PublishAndReadPositions();

  const EtcdStoreOptions options_;
  const EtcdKeys keys_;
  std::unique_ptr<MemoryBudget> memory_;  // outlives the mirror's database, which uses it
  std::unique_ptr<DbHandles> handles_;
  std::unique_ptr<etcd::Client> client_;
  EtcdMirror mirror_;
  std::unique_ptr<EtcdCommitter> committer_;
  Mutex trim_mu_;  // one trim at a time
  mutable Mutex probe_mu_;
  ReplicationStats probed_ ABSL_GUARDED_BY(probe_mu_);
  absl::Time mirror_current_ ABSL_GUARDED_BY(probe_mu_) = absl::Now();
  std::optional<uint64_t> position_ ABSL_GUARDED_BY(probe_mu_);  // this replica's, to publish
  std::optional<uint64_t> slowest_ ABSL_GUARDED_BY(probe_mu_);
  // The prober thread's: the lease the position key lives under, and what was published.
  int64_t lease_ = 0;
  std::optional<uint64_t> published_;
  const std::string replica_key_ = keys_.Replica(NewNonce());
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
    if (guard.ok()) PublishAndReadPositions();
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

absl::Status EtcdStore::AwaitSequence(uint64_t sequence, absl::Time deadline) const {
  if (mirror_.last_sequence() >= sequence) return absl::OkStatus();
  // Committed through another replica, or not at all? etcd's last sequence says (a
  // linearizable read); when etcd cannot answer, wait for the mirror as if it had.
  etcdserverpb::RangeRequest request;
  request.set_key(keys_.Key(Family::kMeta, kLastSequenceKey));
  etcdserverpb::RangeResponse response;
  if (client_->Range(request, &response).ok()) {
    uint64_t committed = 0;
    if (!response.kvs().empty()) KeyReader(response.kvs(0).value()).ReadUint64(&committed);
    if (committed < sequence) return absl::OutOfRangeError("not committed yet");
  }
  if (mirror_.WaitForSequence(sequence, deadline - absl::Now())) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat("this replica has applied the change log up to ",
                                                  mirror_.last_sequence(), ", not yet ", sequence));
}

void EtcdStore::PublishAndReadPositions() {
  std::optional<uint64_t> position;
  {
    MutexLock lock(&probe_mu_);
    position = position_;
  }
  if (!position) return;
  int64_t ttl = 0;
  if (lease_ != 0 && !client_->LeaseKeepAlive(lease_, &ttl).ok()) return;
  if (lease_ == 0 || ttl <= 0) {  // none yet, or it expired (etcd was away too long)
    if (!client_->LeaseGrant(options_.replica_ttl, &lease_).ok()) {
      lease_ = 0;
      return;
    }
    published_.reset();
  }
  if (published_ != position) {
    TxnRequest txn;
    auto* put = txn.add_success()->mutable_request_put();
    put->set_key(replica_key_);
    put->set_value(absl::StrCat(*position));
    put->set_lease(lease_);
    TxnResponse response;
    if (!client_->Txn(txn, &response).ok()) return;
    published_ = position;
  }
  etcdserverpb::RangeRequest range;
  range.set_key(keys_.Replica(""));
  range.set_range_end(PrefixSuccessor(keys_.Replica("")));
  etcdserverpb::RangeResponse replicas;
  if (!client_->Range(range, &replicas).ok()) return;
  std::optional<uint64_t> slowest;
  for (const auto& kv : replicas.kvs()) {
    uint64_t p = 0;
    if (absl::SimpleAtoi(kv.value(), &p)) slowest = std::min(slowest.value_or(p), p);
  }
  MutexLock lock(&probe_mu_);
  slowest_ = slowest;
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
  absl::Status status;
  for (int attempt = 0; attempt < 10; ++attempt) {
    status = client_->Txn(txn, &response);
    if (status.ok() || !etcd::OutcomeUnknown(status)) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot record the storage format in etcd: ", status.message()));
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
  absl::Status status;
  const absl::Time deadline = absl::Now() + options_.commit_timeout;
  do {
    status = client_->Txn(txn, &response);
    if (status.ok() || !etcd::OutcomeUnknown(status)) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < deadline);  // a trim is idempotent: repeating it is safe
  if (!status.ok()) return status;
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
  PSC_ASSIGN_OR_RETURN(std::unique_ptr<etcd::Client> client, etcd::Client::Create(options.etcd));
  PSC_ASSIGN_OR_RETURN(OpenedDb db, OpenDataDir(options.local, /*read_only=*/false));
  auto store = std::make_unique<EtcdStore>(std::move(db), std::move(client), options);
  PSC_RETURN_IF_ERROR(store->Start());
  return store;
}

}  // namespace psc::storage