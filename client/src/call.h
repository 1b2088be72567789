#pragma once

// Client-internal: one unary call with deadline, retries and status conversion.

#include <functional>
#include <memory>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "psc/client/options.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"

namespace psc::client {

using Stub = registry::v1::Registry::Stub;
enum class Retry { kNo, kYes };

// The absl::Status for a gRPC status, keeping its details payload for GetErrorDetails().
absl::Status FromGrpcStatus(const grpc::Status& status);

class Call {
 public:
  explicit Call(const ClientOptions& options);

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
    if (!credentials_error_.ok()) return credentials_error_;
    const absl::Time deadline = absl::Now() + options_.deadline;
    absl::Duration backoff = options_.retry.initial_backoff;
    for (int attempt = 1;; ++attempt) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(deadline));
      Response response;
      grpc::Status status = (stub->*method)(&context, request, &response);
      if (status.ok()) return response;
      if (retry == Retry::kNo || status.error_code() != grpc::StatusCode::UNAVAILABLE ||
          attempt >= options_.retry.max_attempts || absl::Now() + backoff >= deadline) {
        return FromGrpcStatus(status);
      }
      absl::SleepFor(Jitter(backoff));
      // Our backoff governs: without this gRPC waits out its own reconnect backoff, which
      // after a few refused connections outlasts the call's retries.
      grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
      backoff = std::min(backoff * options_.retry.backoff_multiplier, options_.retry.max_backoff);
    }
  }

  absl::Duration Jitter(absl::Duration d);

  ClientOptions options_;
  absl::Status credentials_error_;  // set when the TLS files could not be loaded
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_stub_;
  absl::Mutex mu_;
  absl::BitGen gen_;  // guarded by mu_
};

// Walks every page of a List method, collecting the items `items_of(page)` yields.
template <typename Item, typename Request, typename Response, typename ItemsOf>
absl::StatusOr<std::vector<Item>> ListAll(Call& call,
                                          grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                       const Request&, Response*),
                                          Request request, ItemsOf items_of) {
  std::vector<Item> all;
  request.set_page_size(1000);
  while (true) {
    absl::StatusOr<Response> page = call.Unary(method, request, Retry::kYes);
    if (!page.ok()) return page.status();
    for (Item& item : *items_of(*page)) all.push_back(std::move(item));
    if (page->next_page_token().empty()) return all;
    request.set_page_token(page->next_page_token());
  }
}

}  // namespace psc::client
