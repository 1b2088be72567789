#pragma once
// One WatchChanges call: what it has read from the feed, what it is writing, and when it ends.
// It writes through a WatchStream (the gRPC reactor, or a fake in unit tests), one message at
// a time, and never holds its lock while calling the stream.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/caller.h"
#include "server/common/mutex.h"

namespace psc::service {

class WatchHub;

// Where a Watch writes. Each StartWrite is answered by one Watch::OnWriteDone, Finish (called
// once, with no write in flight) by Watch::OnDone.
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  virtual void StartWrite(const registry::v1::WatchChangesResponse* message) = 0;
  virtual void Finish(grpc::Status status) = 0;
  // The client stopped reading: cancel the call (it ends through OnDone).
  virtual void Cancel() = 0;
};

// Thread-safe: the hub's thread, the committer's wake-ups and the stream's callbacks all call in.
class Watch : public std::enable_shared_from_this<Watch> {
 public:
  Watch(WatchHub* hub, WatchStream* stream, Caller caller,
        const registry::v1::WatchChangesRequest& request);

  const std::string& identity() const { return identity_; }
  // The gateway the watch was opened through, or "" (Caller::channel).
  const std::string& channel() const { return channel_; }

  // Sends what is due: buffered changes, new changes from the feed, or a progress message; or
  // finishes the call once it should end and no write is in flight.
  void Pump();
  // Ends the call with `status` as soon as no write is in flight (the first status wins).
  void End(grpc::Status status);
  // The server is stopping: ends the call with UNAVAILABLE naming the sequence to watch again
  // from, as soon as no write is in flight.
  void Stop();
  // Cancels the call (its client stopped reading); it ends through OnDone.
  void Cancel() { stream_->Cancel(); }
  // Applies a principals reload: with no caller (the identity was removed) the watch ends with
  // PERMISSION_DENIED, UNKNOWN_PRINCIPAL; with a changed role or collaborative, buffered changes
  // are dropped and read again, so every change not yet being written is filtered and redacted
  // for the new role.
  void Reauthorize(const std::optional<Caller>& caller);

  // The stream's callbacks.
  void OnWriteDone(bool ok);
  void OnDone();

 private:
  // Fills pending_ from the feed; false (with end_ set) on an error or when too far behind.
  bool ReadFeed() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  WatchHub* const hub_;
  WatchStream* const stream_;
  const std::string identity_;
  const std::string channel_;
  const std::vector<std::string> kinds_;

  Mutex mu_;
  Caller caller_ ABSL_GUARDED_BY(mu_);      // changes on a principals reload
  uint64_t read_pos_ ABSL_GUARDED_BY(mu_);  // every change up to here is buffered or skipped
  bool caught_up_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;    // a StartWrite is in flight
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;  // Finish was called: the stream is off limits
  grpc::Status end_ ABSL_GUARDED_BY(mu_);        // not OK once the call should end
  absl::Time next_progress_ ABSL_GUARDED_BY(mu_);
  absl::Time write_started_ ABSL_GUARDED_BY(mu_);
  std::deque<registry::v1::WatchChangesResponse> pending_ ABSL_GUARDED_BY(mu_);
  // The message being written; the stream reads it until OnWriteDone.
  registry::v1::WatchChangesResponse message_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::service
