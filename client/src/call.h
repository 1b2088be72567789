#pragma once

// Client-internal: one unary call with deadline, retries and status conversion.

#include <functional>
#include <memory>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "google/protobuf/message.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "psc/client/options.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"

namespace psc::client {

using Stub = registry::v1::Registry::Stub;
enum class Retry { kNo, kYes };

// Where an absl::Status keeps the serialized google.rpc.Status of an error (GetErrorDetails
// reads it).
inline constexpr char kStatusDetailsUrl[] = "type.googleapis.com/google.rpc.Status";

// The absl::Status for a gRPC status, keeping its details payload for GetErrorDetails().
absl::Status FromGrpcStatus(const grpc::Status& status);

class Call {
 public:
  explicit Call(const ClientOptions& options);
  // A Call on `base`'s channel whose calls act for `on_behalf_of` (ClientOptions::on_behalf_of).
  Call(const Call& base, std::string on_behalf_of);

  // Calls `method` until it succeeds, fails with a code other than UNAVAILABLE, `retry` is
  // kNo, the attempts run out or the deadline passes.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Unary(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                              Response*),
                                 const Request& request, Retry retry) {
    return Invoke(stub_.get(), method, request, retry);
  }

  // Runs one WatchChanges stream, passing each message to `on_message` until it returns false
  // (then OK) or the stream ends (its status; OK from the server is reported as UNAVAILABLE,
  // since a watch never ends by itself).
  absl::Status Watch(
      const registry::v1::WatchChangesRequest& request,
      const std::function<bool(const registry::v1::WatchChangesResponse&)>& on_message);

  // Calls the unary method at `path` ("/package.Service/Method") with messages of any type, as
  // Unary does. For calls driven by descriptors rather than generated stubs.
  absl::Status UnaryMessage(const std::string& path, const google::protobuf::Message& request,
                            google::protobuf::Message* response, Retry retry);

  absl::StatusOr<grpc::health::v1::HealthCheckResponse> Health(
      const grpc::health::v1::HealthCheckRequest& request) {
    return Invoke(health_stub_.get(), &grpc::health::v1::Health::Stub::Check, request, Retry::kYes);
  }

 private:
  template <typename AnyStub, typename Request, typename Response>
  absl::StatusOr<Response> Invoke(AnyStub* stub,
                                  grpc::Status (AnyStub::*method)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                                  const Request& request, Retry retry) {
    Response response;
    absl::Status status = Retrying(retry, [&](grpc::ClientContext* context) {
      response.Clear();
      return (stub->*method)(context, request, &response);
    });
    if (!status.ok()) return status;
    return response;
  }

  // Runs `attempt` with a fresh context under the call's deadline until it succeeds, fails with
  // a code other than UNAVAILABLE, `retry` is kNo, or the attempts or the deadline run out.
  absl::Status Retrying(Retry retry,
                        const std::function<grpc::Status(grpc::ClientContext*)>& attempt);
  absl::Duration Jitter(absl::Duration d);
  // Names the user a gateway acts for (ClientOptions::on_behalf_of), if any.
  void AddIdentity(grpc::ClientContext* context) const;

  ClientOptions options_;
  absl::Status credentials_error_;  // set when the TLS files could not be loaded
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_stub_;
};

}  // namespace psc::client
