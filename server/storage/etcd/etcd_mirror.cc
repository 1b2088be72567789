#include "server/storage/etcd/etcd_mirror.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/common/catch_exceptions.h"
#include "server/common/errors.h"
#include "server/common/free_space.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/storage/keys.h"
#include "server/storage/rocks_store.h"

namespace psc::storage {
namespace {

// The mirror's own position, in RocksDB's default column family (never in etcd).
constexpr char kStoreKind[] = "etcd-mirror";
constexpr char kRevisionKey[] = "etcd_revision";
constexpr char kGuardRevisionKey[] = "etcd_guard_revision";
constexpr char kClusterIdKey[] = "etcd_cluster_id";
constexpr char kPrefixKey[] = "etcd_prefix";

constexpr int kPageSize = 256;        // keys per Range page: values reach 1 MiB
constexpr size_t kNoncesKept = 4096;  // commits whose guard nonce is remembered

std::string U64(uint64_t v) { return KeyBuilder().AddUint64(v).Release(); }

uint64_t ReadU64(const DbHandles& h, const char* key) {
  std::string value;
  uint64_t v = 0;
  if (h.db->Get(rocksdb::ReadOptions(), h.default_family, key, &value).ok()) {
    KeyReader(value).ReadUint64(&v);
  }
  return v;
}

}  // namespace

// What one batch brings the mirror to.
struct EtcdMirror::Applied {
  int64_t revision = 0;
  int64_t guard_revision = 0;
  uint64_t cluster_id = 0;
  std::optional<uint64_t> last_sequence;
  std::vector<std::pair<std::string, int64_t>> nonces;  // guard values, in order
  bool replaces = false;  // a load: the mirror is exactly this, not this added to what it was

  // Adds the put or delete of `kv` to `batch`, noting the guard and the last sequence.
  void Add(const EtcdKeys& keys, const DbHandles& h, const etcdserverpb::KeyValue& kv, bool deleted,
           rocksdb::WriteBatch* batch) {
    revision = std::max(revision, kv.mod_revision());
    auto parsed = keys.Parse(kv.key());
    if (!parsed) return;
    const auto& [family, key] = *parsed;
    const rocksdb::Slice k(key.data(), key.size());
    if (deleted) {
      batch->Delete(h.cf(family), k);
      return;
    }
    batch->Put(h.cf(family), k, kv.value());
    if (family != Family::kMeta) return;
    if (key == kCommitGuardKey) {
      guard_revision = kv.mod_revision();
      nonces.emplace_back(kv.value(), kv.mod_revision());
    } else if (key == kLastSequenceKey) {
      uint64_t sequence = 0;
      if (KeyReader(kv.value()).ReadUint64(&sequence)) last_sequence = sequence;
    }
  }
};

EtcdMirror::EtcdMirror(etcd::Client* client, const DbHandles* handles, EtcdKeys keys,
                       uint64_t resume_free_bytes)
    : client_(client),
      handles_(handles),
      keys_(std::move(keys)),
      resume_free_bytes_(resume_free_bytes) {}

EtcdMirror::~EtcdMirror() { Stop(); }

void EtcdMirror::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    if (watch_ != nullptr) watch_->Cancel();
    advanced_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

void EtcdMirror::Reconnect() {
  MutexLock lock(&mu_);
  if (watch_ != nullptr) watch_->Cancel();
}

bool EtcdMirror::stopping() const {
  MutexLock lock(&mu_);
  return stopping_;
}

int64_t EtcdMirror::revision() const {
  MutexLock lock(&mu_);
  return revision_;
}

int64_t EtcdMirror::guard_revision() const {
  MutexLock lock(&mu_);
  return guard_revision_;
}

absl::Time EtcdMirror::last_contact() const {
  MutexLock lock(&mu_);
  return last_contact_;
}

uint64_t EtcdMirror::resyncs() const {
  MutexLock lock(&mu_);
  return resyncs_;
}

void EtcdMirror::SetListener(std::function<void(uint64_t)> listener) {
  MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

bool EtcdMirror::WaitUntil(const std::function<bool()>& reached, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  MutexLock lock(&mu_);
  while (!stopping_ && !reached() && absl::Now() < deadline) {
    advanced_.WaitWithDeadline(&mu_, deadline);
  }
  return reached();
}

bool EtcdMirror::WaitForGuard(int64_t guard, absl::Duration timeout) {
  return WaitUntil([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return guard_revision_ >= guard; },
                   timeout);
}

bool EtcdMirror::WaitForSequence(uint64_t sequence, absl::Duration timeout) const {
  // last_sequence_ is published before advanced_ is signalled, under mu_.
  return WaitUntil([&] { return last_sequence_.load() >= sequence; }, timeout);
}

bool EtcdMirror::WaitForRevision(int64_t revision, absl::Duration timeout) {
  return WaitUntil([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return revision_ >= revision; }, timeout);
}

std::optional<int64_t> EtcdMirror::GuardWrittenAt(const std::string& nonce) const {
  MutexLock lock(&mu_);
  for (auto it = nonces_.rbegin(); it != nonces_.rend(); ++it) {
    if (it->first == nonce) return it->second;
  }
  return std::nullopt;
}

absl::StatusOr<int64_t> EtcdMirror::CurrentGuard() {
  etcdserverpb::RangeRequest request;
  request.set_key(keys_.Guard());
  etcdserverpb::RangeResponse response;
  PSC_RETURN_IF_ERROR(client_->Range(request, &response));
  MutexLock lock(&mu_);
  last_contact_ = absl::Now();
  return response.kvs().empty() ? 0 : response.kvs(0).mod_revision();
}

absl::Status EtcdMirror::Start(absl::Duration timeout) {
  const DbHandles& h = *handles_;
  std::string kind;
  rocksdb::Status s = h.db->Get(rocksdb::ReadOptions(), h.default_family, kStoreKindKey, &kind);
  if (s.IsNotFound()) {
    // A data dir that an embedded store wrote is not a mirror to be overwritten.
    std::unique_ptr<rocksdb::Iterator> it(
        h.db->NewIterator(rocksdb::ReadOptions(), h.cf(Family::kMeta)));
    it->SeekToFirst();
    if (it->Valid()) {
      return absl::FailedPreconditionError(
          "the data dir holds an embedded (--store rocksdb) registry, not an etcd mirror: give "
          "--store etcd an empty data dir; to move the registry into etcd, export it and import "
          "it through a pscd on etcd");
    }
    rocksdb::WriteBatch mark;
    mark.Put(h.default_family, kStoreKindKey, kStoreKind);
    mark.Put(h.default_family, kPrefixKey, keys_.prefix());
    PSC_RETURN_IF_ERROR(FromRocks(h.db->Write(rocksdb::WriteOptions(), &mark)));
  } else if (!s.ok()) {
    return FromRocks(s);
  }
  std::string prefix;
  PSC_RETURN_IF_ERROR(
      FromRocks(h.db->Get(rocksdb::ReadOptions(), h.default_family, kPrefixKey, &prefix)));
  if (prefix != keys_.prefix()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the data dir mirrors the registry under etcd prefix \"", prefix, "\", not \"",
        keys_.prefix(), "\": give it that --etcd-prefix, or this registry an empty data dir"));
  }
  {
    MutexLock lock(&mu_);
    revision_ = static_cast<int64_t>(ReadU64(h, kRevisionKey));
    guard_revision_ = static_cast<int64_t>(ReadU64(h, kGuardRevisionKey));
    cluster_id_ = ReadU64(h, kClusterIdKey);
  }
  std::string last;
  if (h.db->Get(rocksdb::ReadOptions(), h.cf(Family::kMeta), kLastSequenceKey, &last).ok()) {
    uint64_t sequence = 0;
    KeyReader(last).ReadUint64(&sequence);
    last_sequence_.store(sequence);
  }

  const absl::Time deadline = absl::Now() + timeout;
  absl::Status loaded = absl::OkStatus();
  if (revision() == 0) {
    while (!(loaded = Load(/*in_one_batch=*/false)).ok() && absl::Now() < deadline) {
      client_->Rotate();
      absl::SleepFor(absl::Milliseconds(200));
    }
    if (!loaded.ok()) {
      return absl::UnavailableError(absl::StrCat("cannot load the registry from etcd (",
                                                 client_->current_endpoint(),
                                                 " last): ", loaded.message()));
    }
  }
  thread_ = std::thread([this] { Run(); });
  absl::StatusOr<int64_t> guard = CurrentGuard();
  while (!guard.ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
    guard = CurrentGuard();
  }
  if (!guard.ok()) {
    LogError(absl::StrCat("storage: etcd cannot be reached (", guard.status().message(),
                          "): serving the mirror as of etcd revision ", revision(),
                          "; writes fail until etcd answers"));
    return absl::OkStatus();
  }
  if (!WaitForGuard(*guard, deadline - absl::Now())) {
    LogError(absl::StrCat("storage: the mirror has not caught up with etcd (revision ", revision(),
                          ", etcd's last commit ", *guard, ") yet; serving it"));
  }
  return absl::OkStatus();
}

absl::Status EtcdMirror::Load(bool in_one_batch) {
  const DbHandles& h = *handles_;
  rocksdb::WriteBatch batch;
  // Clear what the mirror holds: a resync starts over, and so does a load that was cut short.
  for (int f = 0; f < kFamilyCount; ++f) {
    std::unique_ptr<rocksdb::Iterator> it(
        h.db->NewIterator(rocksdb::ReadOptions(), h.cf(static_cast<Family>(f))));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      batch.Delete(h.cf(static_cast<Family>(f)), it->key());
    }
    PSC_RETURN_IF_ERROR(FromRocks(it->status()));
  }
  Applied applied;
  etcdserverpb::RangeRequest request;
  request.set_key(keys_.prefix());
  request.set_range_end(PrefixSuccessor(keys_.prefix()));
  request.set_limit(kPageSize);
  uint64_t keys = 0;
  while (true) {
    etcdserverpb::RangeResponse page;
    PSC_RETURN_IF_ERROR(client_->Range(request, &page));
    if (request.revision() == 0) {  // the first page: every later one reads at its revision
      request.set_revision(page.header().revision());
      applied.cluster_id = page.header().cluster_id();
    }
    for (const etcdserverpb::KeyValue& kv : page.kvs()) {
      applied.Add(keys_, h, kv, /*deleted=*/false, &batch);
    }
    keys += page.kvs_size();
    if (!in_one_batch) {
      PSC_RETURN_IF_ERROR(FromRocks(h.db->Write(rocksdb::WriteOptions(), &batch)));
      batch.Clear();
    }
    if (!page.more() || page.kvs().empty()) break;
    request.set_key(page.kvs(page.kvs_size() - 1).key() + std::string(1, '\0'));
  }
  applied.revision = request.revision();
  applied.replaces = true;
  PSC_RETURN_IF_ERROR(Write(&batch, applied));
  LogInfo(absl::StrCat("storage: loaded ", keys, " keys from etcd at revision ", applied.revision));
  return absl::OkStatus();
}

absl::Status EtcdMirror::Write(rocksdb::WriteBatch* batch, const Applied& applied) {
  const DbHandles& h = *handles_;
  uint64_t cluster_id;
  int64_t guard;
  {
    MutexLock lock(&mu_);
    cluster_id = applied.cluster_id != 0 ? applied.cluster_id : cluster_id_;
    guard = applied.replaces ? applied.guard_revision
                             : std::max(applied.guard_revision, guard_revision_);
  }
  batch->Put(h.default_family, kRevisionKey, U64(applied.revision));
  batch->Put(h.default_family, kGuardRevisionKey, U64(guard));
  batch->Put(h.default_family, kClusterIdKey, U64(cluster_id));
  // No fsync: after a crash the mirror is simply an older revision of etcd, and catches up.
  PSC_RETURN_IF_ERROR(FromRocks(h.db->Write(rocksdb::WriteOptions(), batch)));
  const uint64_t before = last_sequence_.load();
  if (applied.last_sequence)
    last_sequence_.store(*applied.last_sequence, std::memory_order_release);
  // The listener hears a commit before its committer is woken to acknowledge it (below), as
  // with the embedded store: a caller that saw its write acknowledged finds the watches and the
  // index told of it.
  if (applied.last_sequence && *applied.last_sequence != before) {
    MutexLock lock(&listener_mu_);
    if (listener_) {
      (void)CatchExceptions("the commit listener", [this, &applied] {
        listener_mu_.AssertHeld();
        listener_(*applied.last_sequence);
        return absl::OkStatus();
      });
    }
  }
  {
    MutexLock lock(&mu_);
    revision_ = applied.revision;
    guard_revision_ = guard;
    cluster_id_ = cluster_id;
    for (const auto& nonce : applied.nonces) {
      nonces_.push_back(nonce);
      if (nonces_.size() > kNoncesKept) nonces_.pop_front();
    }
    last_contact_ = absl::Now();
    advanced_.SignalAll();
  }
  return absl::OkStatus();
}

absl::Status EtcdMirror::Follow() {
  std::unique_ptr<etcd::Watch> stream = client_->OpenWatch();
  uint64_t cluster_id;
  int64_t from;
  {
    MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    watch_ = stream.get();
    cluster_id = cluster_id_;
    from = revision_ + 1;
  }
  etcdserverpb::WatchRequest request;
  auto* create = request.mutable_create_request();
  create->set_key(keys_.prefix());
  create->set_range_end(PrefixSuccessor(keys_.prefix()));
  create->set_start_revision(from);
  absl::Status ended = absl::UnavailableError("the watch stream ended");
  etcdserverpb::WatchResponse response;
  if (stream->Write(request)) {
    while (stream->Read(&response)) {
      if (cluster_id != 0 && response.header().cluster_id() != cluster_id) {
        ended = absl::OutOfRangeError(absl::StrCat("etcd's cluster id changed from ", cluster_id,
                                                   " to ", response.header().cluster_id()));
        break;
      }
      if (response.compact_revision() > 0) {
        ended = absl::OutOfRangeError(absl::StrCat("etcd compacted its history to revision ",
                                                   response.compact_revision(),
                                                   ", past the mirror's ", from - 1));
        break;
      }
      if (response.canceled()) {
        ended = absl::UnavailableError("etcd ended the watch: " + response.cancel_reason());
        break;
      }
      if (response.events().empty()) {
        MutexLock lock(&mu_);
        last_contact_ = absl::Now();
        continue;
      }
      rocksdb::WriteBatch batch;
      Applied applied;
      for (const etcdserverpb::Event& event : response.events()) {
        applied.Add(keys_, *handles_, event.kv(), event.type() == etcdserverpb::Event::DELETE,
                    &batch);
      }
      if (absl::Status written = Write(&batch, applied); !written.ok()) {
        ended = written;
        break;
      }
    }
  }
  stream->Cancel();
  absl::Status finished = stream->Finish();
  {
    MutexLock lock(&mu_);
    watch_ = nullptr;
  }
  // The stream's own end says more than "ended", but not more than a failed write's reason.
  if (ended.code() == absl::StatusCode::kUnavailable && ErrorReason(ended).empty() &&
      !finished.ok()) {
    ended = finished;
  }
  return ended;
}

void EtcdMirror::ResumeAfterFullDisk() {
  const std::string path = handles_->db->GetName();
  while (!stopping()) {
    if (FreeBytes(path) >= resume_free_bytes_) {
      const rocksdb::Status resumed = handles_->db->Resume();
      if (resumed.ok()) {
        LogInfo("storage: the mirror's disk has space again: following etcd");
        return;
      }
      LogWarning("storage: the mirror's RocksDB could not resume yet: " + resumed.ToString());
    }
    MutexLock lock(&mu_);
    if (!stopping_) advanced_.WaitWithDeadline(&mu_, absl::Now() + absl::Seconds(1));
  }
}

void EtcdMirror::Run() {
  absl::Time last_logged = absl::InfinitePast();
  while (!stopping()) {
    absl::Status ended = Follow();
    if (stopping()) break;
    if (ErrorReason(ended) == "STORAGE_FULL") {
      LogError(
          "storage: the mirror's disk is full: reads are stale (the mirror's age grows) "
          "until space is freed; then it follows etcd again");
      ResumeAfterFullDisk();
      continue;
    }
    if (ended.code() == absl::StatusCode::kOutOfRange) {
      LogError(absl::StrCat("storage: ", ended.message(), ": resyncing the mirror from etcd"));
      absl::Status loaded = Load(/*in_one_batch=*/true);
      if (loaded.ok()) {
        MutexLock lock(&mu_);
        ++resyncs_;
        continue;
      }
      LogError(absl::StrCat("storage: the resync failed: ", loaded.message()));
    } else if (absl::Now() - last_logged > absl::Seconds(10)) {
      LogError(absl::StrCat("storage: the etcd watch on ", client_->current_endpoint(), " ended (",
                            ended.message(), "); following the next member"));
      last_logged = absl::Now();
    }
    client_->Rotate();
    MutexLock lock(&mu_);
    if (!stopping_) advanced_.WaitWithDeadline(&mu_, absl::Now() + absl::Milliseconds(200));
  }
}

}  // namespace psc::storage
