#pragma once

// A small client of etcd v3's gRPC API (the subset in rpc.proto), for the etcd store
// (server/storage/etcd). One channel per cluster member; a call goes to the current member
// and, when it fails in a way that may mean the member is gone, the next member that has not
// failed lately becomes current. gRPC stays behind this interface: calls answer absl::Status
// (etcd's own code and message) and the etcd messages of rpc.proto.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/common/mutex.h"
#include "server/etcd/rpc.pb.h"

namespace grpc {
class Channel;
class ChannelCredentials;
}  // namespace grpc

namespace psc::etcd {

struct ClientOptions {
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

// One Watch stream (etcd's watch protocol over it is the caller's). Thread-compatible, but
// Cancel() may be called from any thread to end a Read() in progress.
class Watch {
 public:
  virtual ~Watch() = default;
  virtual bool Write(const etcdserverpb::WatchRequest& request) = 0;
  // The next response; false once the stream has ended (then call Finish).
  virtual bool Read(etcdserverpb::WatchResponse* response) = 0;
  virtual void Cancel() = 0;
  // How the stream ended. Call once, after Read returned false.
  virtual absl::Status Finish() = 0;
};

class Client {
 public:
  // Checks the options and reads the certificates; connects lazily. INVALID_ARGUMENT with a
  // clear message for a malformed endpoint or a missing TLS file.
  static absl::StatusOr<std::unique_ptr<Client>> Create(const ClientOptions& options);
  ~Client();

  // One call each, to the current member, with the call deadline. Range is tried on every
  // member before giving up (a read is safe to repeat); the others are not: their outcome is
  // unknown when they fail after sending (OutcomeUnknown), and the caller decides. Compact
  // discards the history before `revision` (watches from before it then fail). Thread-safe.
  absl::Status Range(const etcdserverpb::RangeRequest& request,
                     etcdserverpb::RangeResponse* response);
  absl::Status Txn(const etcdserverpb::TxnRequest& request, etcdserverpb::TxnResponse* response);
  absl::Status Compact(int64_t revision);
  absl::Status Status(etcdserverpb::StatusResponse* response);
  absl::Status Alarms(etcdserverpb::AlarmResponse* response);
  // A lease of `ttl`; one keepalive of lease `id` (its TTL left, 0 when it expired); its end.
  absl::Status LeaseGrant(absl::Duration ttl, int64_t* id);
  absl::Status LeaseKeepAlive(int64_t id, int64_t* ttl_seconds);
  absl::Status LeaseRevoke(int64_t id);

  // A Watch stream on the current member. It asks etcd to end it when the member loses its
  // leader, so that a partitioned member never holds a watcher silently.
  std::unique_ptr<Watch> OpenWatch();

  // The current member failed (a stream broke): makes the next healthy one current.
  void Rotate();
  // The current member's URL, for logs.
  const std::string& current_endpoint() const;

 private:
  struct Member;
  explicit Client(ClientOptions options);
  // Runs `call` on the current member; moves on when it failed in a way that may mean the
  // member is gone.
  template <typename Call>
  absl::Status OnCurrent(Call&& call);
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

  const ClientOptions options_;
  std::vector<std::unique_ptr<Member>> members_;
  std::atomic<size_t> current_{0};
};

// Whether a failed etcd call may have been applied: the request may have reached the member.
bool OutcomeUnknown(const absl::Status& status);

}  // namespace psc::etcd
