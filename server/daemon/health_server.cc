#include "server/daemon/health_server.h"

#include <atomic>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/daemon/without_reflection.h"

namespace psc::daemon {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// grpc.health.v1.Health's Check: SERVING for "" and the names given, until drained; NOT_FOUND
// for any other name. Thread-safe: the names never change, `serving_` is atomic.
class HealthServer::Service final : public grpc::health::v1::Health::CallbackService {
 public:
  explicit Service(std::vector<std::string> names)
      : names_([&names] {
          names.push_back("");
          return std::set<std::string>(names.begin(), names.end());
        }()) {}

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const HealthCheckRequest* request,
                                  HealthCheckResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (!names_.contains(request->service())) {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"));
      return reactor;
    }
    response->set_status(serving_.load() ? HealthCheckResponse::SERVING
                                         : HealthCheckResponse::NOT_SERVING);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  void Drain() {
    draining_ = true;
    serving_ = false;
  }
  void SetServing(bool serving) { serving_ = serving && !draining_; }

 private:
  const std::set<std::string> names_;
  std::atomic<bool> serving_{true};
  std::atomic<bool> draining_{false};
};

absl::StatusOr<std::unique_ptr<HealthServer>> HealthServer::Start(
    const std::string& listen, const std::vector<std::string>& services) {
  std::unique_ptr<HealthServer> health(new HealthServer);
  health->service_ = std::make_unique<Service>(services);
  grpc::ServerBuilder builder;
  builder.SetOption(std::make_unique<WithoutReflection>());
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);  // the port is this pscd's alone
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &health->port_);
  builder.RegisterService(health->service_.get());  // gRPC adds no default health service then
  health->server_ = builder.BuildAndStart();
  if (health->server_ == nullptr || health->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on --health-listen ", listen));
  }
  return health;
}

HealthServer::~HealthServer() {
  if (server_ == nullptr) return;
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
  server_->Wait();
}

void HealthServer::Drain() { service_->Drain(); }

void HealthServer::SetServing(bool serving) { service_->SetServing(serving); }

}  // namespace psc::daemon
