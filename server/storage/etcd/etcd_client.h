#pragma once

// Storage-internal: a small client of etcd v3's gRPC API (the subset in rpc.proto) for the
// etcd store. One channel per cluster member; a call goes to the current member and, on
// UNAVAILABLE or DEADLINE_EXCEEDED, the next member becomes current.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "server/common/mutex.h"
#include "server/storage/etcd/rpc.grpc.pb.h"

namespace psc::storage {

struct EtcdClientOptions {
  // The members' client URLs: https://host:port (TLS) or http://host:port (plaintext, for
  // loopback experiments only). At least one.
  std::vector<std::string> endpoints;
  // mTLS: the CA that signed the members' certificates, and this client's certificate and key
  // (PEM files). Required for https:// endpoints; the certificate and key go together.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // The deadline of one unary call.
  absl::Duration call_timeout = absl::Seconds(2);
};

class EtcdClient {
 public:
  // Checks the options and reads the certificates; connects lazily. INVALID_ARGUMENT with a
  // clear message for a malformed endpoint or a missing TLS file.
  static absl::StatusOr<std::unique_ptr<EtcdClient>> Create(const EtcdClientOptions& options);

  // One call each, to the current member, with the call deadline. Range is retried once on
  // every other member before giving up (a read is safe to repeat); the others are not: their
  // outcome is unknown when they fail after sending, and the caller decides. Compact discards
  // the history before `revision` (watches from before it then fail). Any failure
  // that may mean the member is gone makes the next member current. Thread-safe.
  grpc::Status Range(const etcdserverpb::RangeRequest& request,
                     etcdserverpb::RangeResponse* response);
  grpc::Status Txn(const etcdserverpb::TxnRequest& request, etcdserverpb::TxnResponse* response);
  grpc::Status Compact(int64_t revision);
  grpc::Status Status(etcdserverpb::StatusResponse* response);
  grpc::Status Alarms(etcdserverpb::AlarmResponse* response);

  // A Watch stream on the current member. `context` must outlive the stream; cancel it to end
  // the stream from another thread. The stream asks etcd to end it when the member loses its
  // leader (so a partitioned member never holds a watcher silently).
  std::unique_ptr<grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
  Watch(grpc::ClientContext* context);

  // Makes the next member current (after a failed stream, say).
  void Rotate();
  // The current member's URL, for logs.
  const std::string& current_endpoint() const;
  absl::Duration call_timeout() const { return options_.call_timeout; }

 private:
  struct Member {
    std::string url;
    std::string target;
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    Mutex mu;
    std::shared_ptr<grpc::Channel> channel ABSL_GUARDED_BY(mu);
    absl::Time created ABSL_GUARDED_BY(mu);
    absl::Time failed ABSL_GUARDED_BY(mu) = absl::InfinitePast();  // last failure seen
  };
  explicit EtcdClient(EtcdClientOptions options) : options_(std::move(options)) {}
  // Runs `call` on the current member; rotates on a failure that may mean the member is gone.
  template <typename Call>
  grpc::Status OnCurrent(Call&& call);
  size_t current() const { return current_.load() % members_.size(); }
  std::shared_ptr<grpc::Channel> ChannelOf(size_t member);
  // Replaces a failing member's channel (unless it is new): gRPC 1.51 keeps a TLS channel
  // whose connection was refused backing off for its minimum connect timeout (20 s), and a
  // shorter timeout breaks its TLS handshakes (grpc/grpc#33423); a fresh channel connects now.
  void Reconnect(size_t member);
  // Member `failed` failed: makes current the next member that has not failed in the last few
  // seconds (a stopped member times out every call; going back to it costs a deadline each
  // time), or simply the next one when all have.
  void MoveOn(size_t failed);

  const EtcdClientOptions options_;
  std::vector<std::unique_ptr<Member>> members_;
  std::atomic<size_t> current_{0};
};

// Whether a failed etcd call may have been applied: the request may have reached the member.
bool OutcomeUnknown(const grpc::Status& status);
// An etcd call's failure as an absl::Status, with etcd's message.
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace psc::storage
