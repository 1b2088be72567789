#include "server/service/refusal_audit.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/grpc_security_constants.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "server/common/log.h"
#include "server/common/tsan.h"
#include "server/common/utf8.h"

namespace psc::service {
namespace {

using grpc::experimental::InterceptionHookPoints;

// What the request names: its `name`, else its `parent`, else "-".
std::string ResourceOf(const google::protobuf::Message& request) {
  const auto* descriptor = request.GetDescriptor();
  for (const char* field : {"name", "parent"}) {
    const auto* f = descriptor->FindFieldByName(field);
    if (f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        !f->is_repeated()) {
      std::string value = request.GetReflection()->GetString(request, f);
      if (!value.empty()) return std::string(CharacterPrefix(value, 200));
    }
  }
  return "-";
}

std::string ReasonOf(const grpc::Status& status) {
  google::rpc::Status rpc;
  if (!rpc.ParseFromString(status.error_details())) return "";
  for (const auto& any : rpc.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

std::string IdentityOf(const grpc::ServerContextBase& context) {
  auto auth = context.auth_context();
  if (auth == nullptr) return "-";
  auto uris = auth->FindPropertyValues(GRPC_PEER_URI_PROPERTY_NAME);
  if (uris.empty()) return auth->IsPeerAuthenticated() ? "(no URI SAN)" : "(plaintext)";
  return std::string(CharacterPrefix(absl::string_view(uris[0].data(), uris[0].size()), 200));
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    default:
      return "OTHER";
  }
}

class Interceptor final : public grpc::experimental::Interceptor {
 public:
  // Created, run and destroyed on whichever threads gRPC moves the call to (as in
  // malformed_requests.cc): TsanRelease / TsanAcquire state gRPC core's ordering.
  Interceptor(grpc::experimental::ServerRpcInfo* info, RefusalAudit* audit)
      : info_(info), audit_(audit) {
    TsanRelease(this);
  }
  ~Interceptor() override { TsanAcquire(this); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    TsanAcquire(this);
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Every request of the Registry service is a protobuf message.
      const void* message = methods->GetRecvMessage();
      if (message != nullptr) {
        resource_ = ResourceOf(*static_cast<const google::protobuf::Message*>(message));
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const std::string reason = ReasonOf(status);
      if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
          status.error_code() == grpc::StatusCode::UNAUTHENTICATED || reason == "RATE_LIMITED") {
        const std::string method = info_->method();
        audit_->Refused(IdentityOf(*info_->server_context()), method.substr(method.rfind('/') + 1),
                        resource_, CodeName(status.error_code()), reason);
      }
    }
    TsanRelease(this);
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
  RefusalAudit* const audit_;
  std::string resource_ = "-";  // hooks of one call run one at a time
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(RefusalAudit* audit) : audit_(audit) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const std::string prefix = absl::StrCat("/", registry::v1::Registry::service_full_name(), "/");
    if (!absl::StartsWith(info->method(), prefix)) return nullptr;
    return new Interceptor(info, audit_);
  }

 private:
  RefusalAudit* const audit_;
};

}  // namespace

void RefusalAudit::Refused(const std::string& identity, const std::string& method,
                           const std::string& resource, const std::string& code,
                           const std::string& reason) {
  int64_t left_out = 0;
  {
    MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    const double burst = rate_ * 10;
    tokens_ = tokens_ < 0
                  ? burst
                  : std::min(burst, tokens_ + absl::ToDoubleSeconds(now - refilled_) * rate_);
    refilled_ = now;
    if (tokens_ < 1) {
      ++left_out_;
      return;
    }
    tokens_ -= 1;
    std::swap(left_out, left_out_);
  }
  LogWarning(absl::StrCat(
      "refused: identity=", identity, " method=", method, " resource=", resource, " code=", code,
      " reason=", reason,
      left_out > 0 ? absl::StrCat(" (", left_out, " earlier refusals not logged)") : ""));
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> RefusalAuditInterceptor(
    RefusalAudit* audit) {
  return std::make_unique<Factory>(audit);
}

}  // namespace psc::service
