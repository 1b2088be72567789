#include "server/storage/etcd/etcd_committer.h"

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "server/common/catch_exceptions.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/storage/batch_write_txn.h"
#include "server/storage/keys.h"

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
absl::Status CommitRefused(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    LogError(absl::StrCat("storage: etcd refused a commit: ", status.message()));
    return RetryLater(absl::StatusCode::kUnavailable, "STORAGE_FULL",
                      "the registry's etcd cluster is out of space (its NOSPACE alarm): writes "
                      "are refused until an operator compacts, defragments and disarms it; "
                      "reads go on",
                      absl::Seconds(30));
  }
  LogError(absl::StrCat("storage: etcd refused a commit: ", status.message()));
  return Error(absl::StatusCode::kInternal, "STORAGE_ERROR",
               "the registry's etcd cluster refused the write; the server log has the detail");
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

}  // namespace

std::string NewNonce() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(absl::Hex(random(), absl::kZeroPad16), absl::Hex(random(), absl::kZeroPad16));
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
  EtcdMirror& mirror = *mirror_;
  const DbHandles& handles = *handles_;
  const EtcdKeys& keys = *keys_;
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
  EtcdMirror& mirror = *mirror_;
  if (!mirror.WaitForGuard(guard_now, options_.commit_timeout)) return nullptr;
  for (const Attempt& attempt : sent) {
    if (mirror.GuardWrittenAt(attempt.nonce)) return &attempt;
  }
  return nullptr;
}

size_t EtcdCommitter::CommitSome(std::deque<PendingCommit>& group, size_t begin) {
  EtcdMirror& mirror = *mirror_;
  etcd::Client& client = *client_;
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
      absl::Status status = client.Txn(attempt.txn, &response);
      if (status.ok() && options_.lose_commit_answer && options_.lose_commit_answer()) {
        status = absl::UnavailableError("the answer was lost (injected)");
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
      if (!etcd::OutcomeUnknown(status)) {
        Attempt refused = std::move(attempt);
        for (auto& result : refused.results) {
          if (result.ok()) result = CommitRefused(status);
        }
        return finish(refused);
      }
      last_error = status;
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

}  // namespace psc::storage
