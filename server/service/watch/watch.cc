#include "server/service/watch/watch.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "server/common/errors.h"
#include "server/service/calls/grpc_status.h"
#include "server/service/watch/watch_hub.h"

namespace psc::service {

namespace v1 = registry::v1;

Watch::Watch(WatchHub* hub, WatchStream* stream, Caller caller,
             const v1::WatchChangesRequest& request)
    : hub_(hub),
      stream_(stream),
      identity_(caller.identity),
      channel_(caller.channel),
      kinds_(request.kinds().begin(), request.kinds().end()) {
  MutexLock lock(&mu_);
  caller_ = std::move(caller);
  read_pos_ = request.after_sequence();
  next_progress_ = absl::Now() + hub->options().progress_interval;
}

bool Watch::ReadFeed() {
  const registry::ChangeFeed& feed = hub_->feed();
  // Caught up once the client has taken everything there was: only then does falling behind
  // mean it reads too slowly (a watch still reading its backlog is not lagging).
  if (pending_.empty() && read_pos_ >= feed.last_sequence()) caught_up_ = true;
  for (int pages = 0; pending_.empty() && read_pos_ < feed.last_sequence() && pages < 4; ++pages) {
    auto page = feed.Read(caller_, read_pos_, kinds_, 64);
    if (!page.ok()) {
      end_ = ToGrpcStatus(page.status());
      return false;
    }
    for (auto& event : page->events) {
      v1::WatchChangesResponse message;
      *message.mutable_change() = std::move(event);
      pending_.push_back(std::move(message));
    }
    read_pos_ = page->scanned_to;
  }
  const uint64_t delivered =
      pending_.empty() ? read_pos_ : pending_.front().change().sequence() - 1;
  const uint64_t behind = feed.last_sequence() - delivered;
  if (caught_up_ && behind > hub_->options().max_lag) {
    end_ =
        ToGrpcStatus(Error(absl::StatusCode::kResourceExhausted, "WATCHER_TOO_SLOW",
                           absl::StrCat("this watch fell ", behind,
                                        " changes behind; watch again from sequence ", delivered)));
    return false;
  }
  return true;
}

void Watch::Pump() {
  enum class Next { kNothing, kCancel, kWrite, kFinish } next = Next::kNothing;
  grpc::Status status;
  const v1::WatchChangesResponse* to_write = nullptr;
  {
    MutexLock lock(&mu_);
    if (finishing_) return;
    if (writing_) {
      if (absl::Now() - write_started_ > hub_->options().stall_timeout) next = Next::kCancel;
    } else if (!end_.ok() || !ReadFeed()) {
      finishing_ = true;
      status = end_;
      next = Next::kFinish;
    } else if (!pending_.empty()) {
      message_ = std::move(pending_.front());
      pending_.pop_front();
      next = Next::kWrite;
    } else if (absl::Now() >= next_progress_) {
      message_.Clear();
      message_.mutable_progress()->set_sequence(read_pos_);
      *message_.mutable_progress()->mutable_time() =
          google::protobuf::util::TimeUtil::GetCurrentTime();
      next_progress_ = absl::Now() + hub_->options().progress_interval;
      next = Next::kWrite;
    }
    if (next == Next::kWrite) {
      writing_ = true;
      write_started_ = absl::Now();
      to_write = &message_;  // not touched again until OnWriteDone clears writing_
    }
  }
  // The stream is called without the lock: its callbacks may come back on this thread.
  switch (next) {
    case Next::kCancel:
      return stream_->Cancel();  // the client stopped reading: free the slot
    case Next::kFinish:
      return stream_->Finish(status);
    case Next::kWrite:
      return stream_->StartWrite(to_write);
    case Next::kNothing:
      return;
  }
}

void Watch::End(grpc::Status status) {
  {
    MutexLock lock(&mu_);
    if (end_.ok()) end_ = std::move(status);
  }
  Pump();
}

void Watch::Stop() {
  {
    MutexLock lock(&mu_);
    // Everything before the first buffered change is delivered once the write in flight is.
    const uint64_t delivered =
        pending_.empty() ? read_pos_ : pending_.front().change().sequence() - 1;
    if (end_.ok()) {
      end_ = ToGrpcStatus(
          RetryLater(absl::StatusCode::kUnavailable, "SERVER_STOPPING",
                     absl::StrCat("the server is stopping; watch again from sequence ", delivered),
                     absl::Seconds(1)));
    }
  }
  Pump();
}

void Watch::Reauthorize(const std::optional<Caller>& caller) {
  {
    MutexLock lock(&mu_);
    if (!caller.has_value()) {
      if (end_.ok()) {
        end_ = ToGrpcStatus(
            Error(absl::StatusCode::kPermissionDenied, "UNKNOWN_PRINCIPAL",
                  channel_.empty() ? absl::StrCat(identity_, " is no longer in the principals file")
                                   : absl::StrCat(identity_, " through ", channel_,
                                                  " is no longer in the principals file as a "
                                                  "user and its gateway")));
      }
    } else if (caller->role != caller_.role || caller->collaborative != caller_.collaborative) {
      caller_ = *caller;
      // Buffered changes were filtered for the old role: read them again from the first one.
      if (!pending_.empty()) read_pos_ = pending_.front().change().sequence() - 1;
      pending_.clear();
    }
  }
  Pump();
}

void Watch::OnWriteDone(bool ok) {
  {
    MutexLock lock(&mu_);
    writing_ = false;
    if (!ok && end_.ok()) end_ = grpc::Status(grpc::StatusCode::CANCELLED, "stream broken");
  }
  Pump();
}

void Watch::OnDone() { hub_->Remove(shared_from_this()); }

}  // namespace psc::service
