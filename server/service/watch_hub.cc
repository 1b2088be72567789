#include "server/service/watch_hub.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/errors.h"
#include "server/service/grpc_status.h"

namespace psc::service {

namespace v1 = registry::v1;

// One WatchChanges call. Its state outlives the gRPC reactor (the hub may hold a reference
// while the call ends), so the reactor forwards its callbacks here. The reactor is touched only
// while `finishing_` is false, and no two threads use it at once: `writing_` is the token for
// StartWrite, and Finish is called exactly once.
class Watch : public std::enable_shared_from_this<Watch> {
 public:
  class Reactor : public grpc::ServerWriteReactor<v1::WatchChangesResponse> {
   public:
    explicit Reactor(std::shared_ptr<Watch> watch) : watch_(std::move(watch)) {}
    void OnWriteDone(bool ok) override { watch_->OnWriteDone(ok); }
    void OnCancel() override {
      watch_->End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    }
    void OnDone() override {
      watch_->OnDone();
      delete this;
    }

   private:
    std::shared_ptr<Watch> watch_;
  };

  Watch(WatchHub* hub, grpc::CallbackServerContext* context, Caller caller,
        const v1::WatchChangesRequest& request)
      : hub_(hub),
        context_(context),
        caller_(std::move(caller)),
        kinds_(request.kinds().begin(), request.kinds().end()),
        read_pos_(request.after_sequence()),
        next_progress_(absl::Now() + hub->options().progress_interval) {}

  void set_reactor(Reactor* reactor) { reactor_ = reactor; }
  const std::string& identity() const { return caller_.identity; }

  // Sends what is due: buffered changes, new changes from the log, or a progress message.
  void Pump() {
    std::unique_lock<std::mutex> lock(mu_);
    if (finishing_ || writing_) {
      if (writing_ && absl::Now() - write_started_ > hub_->options().stall_timeout) {
        context_->TryCancel();  // the client stopped reading: free the slot
      }
      return;
    }
    if (!end_.ok()) return FinishLocked(lock);
    const registry::ChangeFeed& feed = hub_->feed();
    for (int pages = 0; pending_.empty() && read_pos_ < feed.last_sequence() && pages < 4;
         ++pages) {
      auto page = feed.Read(caller_, read_pos_, kinds_, 64);
      if (!page.ok()) {
        end_ = ToGrpcStatus(page.status());
        return FinishLocked(lock);
      }
      for (auto& event : page->events) {
        v1::WatchChangesResponse message;
        *message.mutable_change() = std::move(event);
        pending_.push_back(std::move(message));
      }
      read_pos_ = page->scanned_to;
      if (read_pos_ >= page->current) caught_up_ = true;
    }
    const uint64_t delivered =
        pending_.empty() ? read_pos_ : pending_.front().change().sequence() - 1;
    if (caught_up_ && feed.last_sequence() - delivered > hub_->options().max_lag) {
      end_ = ToGrpcStatus(
          Error(absl::StatusCode::kResourceExhausted, "WATCHER_TOO_SLOW",
                absl::StrCat("this watch fell ", feed.last_sequence() - delivered,
                             " changes behind; watch again from sequence ", delivered)));
      return FinishLocked(lock);
    }
    if (!pending_.empty()) {
      message_ = std::move(pending_.front());
      pending_.pop_front();
    } else if (absl::Now() >= next_progress_) {
      message_.Clear();
      message_.mutable_progress()->set_sequence(read_pos_);
      *message_.mutable_progress()->mutable_time() =
          google::protobuf::util::TimeUtil::GetCurrentTime();
      next_progress_ = absl::Now() + hub_->options().progress_interval;
    } else {
      return;
    }
    writing_ = true;
    write_started_ = absl::Now();
    lock.unlock();
    reactor_->StartWrite(&message_);
  }

  // Ends the call with `status` as soon as no write is in flight.
  void End(grpc::Status status) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (end_.ok()) end_ = std::move(status);
    }
    Pump();
  }

 private:
  void OnWriteDone(bool ok) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      if (!ok && end_.ok()) end_ = grpc::Status(grpc::StatusCode::CANCELLED, "stream broken");
    }
    Pump();
  }

  void OnDone() { hub_->Remove(shared_from_this()); }

  void FinishLocked(std::unique_lock<std::mutex>& lock) {
    finishing_ = true;
    grpc::Status status = end_;
    lock.unlock();
    reactor_->Finish(status);
  }

  WatchHub* hub_;
  grpc::CallbackServerContext* context_;
  const Caller caller_;
  const std::vector<std::string> kinds_;
  Reactor* reactor_ = nullptr;

  std::mutex mu_;
  uint64_t read_pos_;  // every change up to here is buffered, sent or filtered out
  bool caught_up_ = false;
  bool writing_ = false;    // a StartWrite is in flight
  bool finishing_ = false;  // Finish was called: the reactor is off limits
  grpc::Status end_;        // not OK once the call should end
  absl::Time next_progress_;
  absl::Time write_started_;
  std::deque<v1::WatchChangesResponse> pending_;
  v1::WatchChangesResponse message_;  // the one being written
};

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
  auto watch = std::make_shared<Watch>(this, context, caller, request);
  auto* reactor = new Watch::Reactor(watch);
  watch->set_reactor(reactor);
  std::vector<std::string> kinds(request.kinds().begin(), request.kinds().end());
  absl::Status status = feed_->CheckCursor(request.after_sequence(), kinds);
  {
    std::lock_guard<std::mutex> lock(mu_);
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
  if (!status.ok()) {
    watch->End(ToGrpcStatus(status));  // not registered: OnDone's Remove is a no-op
    return reactor;
  }
  watch->Pump();
  return reactor;
}

void WatchHub::Remove(const std::shared_ptr<Watch>& watch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (watches_.erase(watch) > 0 && --per_identity_[watch->identity()] == 0) {
    per_identity_.erase(watch->identity());
  }
}

void WatchHub::OnCommit(uint64_t last_sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  notified_ = last_sequence;
  wake_.notify_one();
}

void WatchHub::Shutdown() {
  std::vector<std::shared_ptr<Watch>> watches;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    watches.assign(watches_.begin(), watches_.end());
    wake_.notify_one();
  }
  for (auto& w : watches) w->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server stopping"));
}

void WatchHub::Run() {
  // Progress and stall checks need a tick finer than the progress interval.
  const absl::Duration tick = std::min(absl::Milliseconds(200), options_.progress_interval / 4);
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, absl::ToChronoNanoseconds(tick),
                   [&] { return stopping_ || notified_ != seen; });
    if (stopping_) break;
    seen = notified_;
    std::vector<std::shared_ptr<Watch>> watches(watches_.begin(), watches_.end());
    lock.unlock();  // a watch may end, and Remove itself, while we pump it
    for (auto& w : watches) w->Pump();
    lock.lock();
  }
}

}  // namespace psc::service
