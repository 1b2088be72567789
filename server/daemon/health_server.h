#pragma once
// A plaintext gRPC server on an address of its own serving only the health service
// (grpc.health.v1.Health), for probes that cannot present a client certificate: Kubernetes'
// native gRPC probes and a container's HEALTHCHECK. It serves no registry data, so it may
// listen on any address (--health-listen). It answers SERVING for the same names as pscd's
// own health service, and NOT_SERVING once pscd drains.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"

namespace psc::daemon {

class HealthServer {
 public:
  // Listens on `listen` (host:port; port 0 picks one), SERVING for "" and each of `services`.
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HealthServer>> Start(
      const std::string& listen, const std::vector<std::string>& services);
  ~HealthServer();  // stops at once

  int port() const { return port_; }
  // Every name NOT_SERVING from now on (pscd is draining). Idempotent.
  void Drain();
  // SERVING or NOT_SERVING (the store cannot serve current data), until drained.
  void SetServing(bool serving);

 private:
  class Service;
  HealthServer() = default;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace psc::daemon
