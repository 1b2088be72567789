#include "server/service/watch/watch_hub.h"

#include "absl/strings/str_cat.h"
#include "server/common/catch_exceptions.h"
#include "server/common/errors.h"
#include "server/common/tsan.h"
#include "server/service/calls/grpc_status.h"

namespace psc::service {

namespace v1 = registry::v1;

namespace {

// The gRPC side of one WatchChanges call: a WatchStream over a write reactor. It keeps its
// Watch alive until gRPC is done with the call.
class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchChangesResponse>,
                           public WatchStream {
 public:
  explicit WatchReactor(grpc::CallbackServerContext* context) : context_(context) {}
  void set_watch(std::shared_ptr<Watch> watch) { watch_ = std::move(watch); }

  // Each hand-off to gRPC and each callback back states its order for TSan (common/tsan.h).
  void StartWrite(const v1::WatchChangesResponse* message) override {
    TsanRelease(this);
    grpc::ServerWriteReactor<v1::WatchChangesResponse>::StartWrite(message);
  }
  void Finish(grpc::Status status) override {
    TsanRelease(this);
    grpc::ServerWriteReactor<v1::WatchChangesResponse>::Finish(std::move(status));
  }
  void Cancel() override {
    TsanRelease(this);
    context_->TryCancel();
  }

  void OnWriteDone(bool ok) override {
    TsanAcquire(this);
    watch_->OnWriteDone(ok);
  }
  void OnCancel() override {
    TsanAcquire(this);
    watch_->End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  }
  void OnDone() override {
    TsanAcquire(this);
    watch_->OnDone();
    delete this;
  }

 private:
  grpc::CallbackServerContext* const context_;
  std::shared_ptr<Watch> watch_;
};

}  // namespace

WatchHub::WatchHub(const registry::ChangeFeed* feed, WatchOptions options)
    : feed_(feed), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

WatchHub::~WatchHub() {
  Shutdown();
  if (thread_.joinable()) thread_.join();
}

grpc::ServerWriteReactor<v1::WatchChangesResponse>* WatchHub::Open(
    grpc::CallbackServerContext* context, const Caller& caller,
    const v1::WatchChangesRequest& request) {
  auto* reactor = new WatchReactor(context);
  auto watch = std::make_shared<Watch>(this, reactor, caller, request);
  reactor->set_watch(watch);  // before anything can call back
  Start(watch, caller, request);
  return reactor;
}

std::shared_ptr<Watch> WatchHub::Start(WatchStream* stream, const Caller& caller,
                                       const v1::WatchChangesRequest& request) {
  auto watch = std::make_shared<Watch>(this, stream, caller, request);
  Start(watch, caller, request);
  return watch;
}

void WatchHub::Start(const std::shared_ptr<Watch>& watch, const Caller& caller,
                     const v1::WatchChangesRequest& request) {
  std::vector<std::string> kinds(request.kinds().begin(), request.kinds().end());
  absl::Status status = feed_->CheckCursor(request.after_sequence(), kinds);
  {
    MutexLock lock(&mu_);
    if (status.ok() && stopping_) status = absl::UnavailableError("the server is shutting down");
    if (status.ok() && per_identity_[caller.identity] >= options_.max_per_identity) {
      status = Error(absl::StatusCode::kResourceExhausted, "TOO_MANY_WATCHERS",
                     absl::StrCat(caller.identity, " already has ", options_.max_per_identity,
                                  " open watches"));
    }
    if (status.ok()) {
      ++per_identity_[caller.identity];
      watches_.insert(watch);
    }
  }
  if (!status.ok()) return watch->End(ToGrpcStatus(status));  // OnDone's Remove: a no-op
  watch->Pump();
}

void WatchHub::Remove(const std::shared_ptr<Watch>& watch) {
  MutexLock lock(&mu_);
  if (watches_.erase(watch) > 0 && --per_identity_[watch->identity()] == 0) {
    per_identity_.erase(watch->identity());
  }
  if (stopping_ && watches_.empty()) wake_.SignalAll();  // Shutdown may be waiting
}

size_t WatchHub::size() const {
  MutexLock lock(&mu_);
  return watches_.size();
}

void WatchHub::OnCommit(uint64_t last_sequence) {
  MutexLock lock(&mu_);
  notified_ = last_sequence;
  wake_.Signal();
}

void WatchHub::Reauthorize(const Lookup& lookup) {
  std::vector<std::shared_ptr<Watch>> watches;
  {
    MutexLock lock(&mu_);
    watches.assign(watches_.begin(), watches_.end());
  }
  for (auto& w : watches) w->Reauthorize(lookup(w->identity(), w->channel()));
}

size_t WatchHub::Shutdown(absl::Duration grace) {
  std::vector<std::shared_ptr<Watch>> watches;
  {
    MutexLock lock(&mu_);
    if (stopping_) return 0;
    stopping_ = true;
    watches.assign(watches_.begin(), watches_.end());
    wake_.Signal();
  }
  for (auto& w : watches) w->Stop();
  const absl::Time cancel_at = absl::Now() + grace;
  {
    MutexLock lock(&mu_);
    while (!watches_.empty() && absl::Now() < cancel_at) wake_.WaitWithDeadline(&mu_, cancel_at);
    watches.assign(watches_.begin(), watches_.end());
  }
  // Stalled: their last write never completes. Cancelled without the lock (it may call back).
  for (auto& w : watches) w->Cancel();
  return watches.size();
}

void WatchHub::Run() {
  // Progress and stall checks need a tick finer than the progress interval.
  const absl::Duration tick = std::min(absl::Milliseconds(200), options_.progress_interval / 4);
  uint64_t seen = 0;
  while (true) {
    std::vector<std::shared_ptr<Watch>> watches;
    {
      MutexLock lock(&mu_);
      const absl::Time until = absl::Now() + tick;
      while (!stopping_ && notified_ == seen && absl::Now() < until) {
        wake_.WaitWithDeadline(&mu_, until);
      }
      if (stopping_) return;
      seen = notified_;
      watches.assign(watches_.begin(), watches_.end());
    }
    // Without the lock: a watch may end, and Remove itself, while we pump it.
    for (auto& w : watches) {
      (void)CatchExceptions("a watch", [&w] {
        w->Pump();
        return absl::OkStatus();
      });
    }
  }
}

}  // namespace psc::service
