#include "server/service/calls/call_observer.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/message.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/grpc_security_constants.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "server/auth/authenticator.h"
#include "server/common/tsan.h"
#include "server/common/utf8.h"

namespace psc::service {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The string field `field` of `request` (at most 200 characters), or "".
std::string StringField(const google::protobuf::Message& request, const char* field) {
  const auto* f = request.GetDescriptor()->FindFieldByName(field);
  if (f == nullptr || f->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      f->is_repeated()) {
    return "";
  }
  return std::string(CharacterPrefix(request.GetReflection()->GetString(request, f), 200));
}

std::string ReasonOf(const grpc::Status& status) {
  google::rpc::Status rpc;
  if (status.ok() || !rpc.ParseFromString(status.error_details())) return "";
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

class Interceptor final : public grpc::experimental::Interceptor {
 public:
  // Created, run and destroyed on whichever threads gRPC moves the call to (as in
  // malformed_requests.cc): TsanRelease / TsanAcquire state gRPC core's ordering.
  Interceptor(grpc::experimental::ServerRpcInfo* info, const std::vector<CallObserver*>* observers,
              std::atomic<int64_t>* in_flight)
      : info_(info), observers_(observers), in_flight_(in_flight), start_(absl::Now()) {
    if (in_flight_ != nullptr) in_flight_->fetch_add(1);
    TsanRelease(this);
  }
  ~Interceptor() override {
    TsanAcquire(this);
    if (in_flight_ != nullptr) in_flight_->fetch_sub(1);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    TsanAcquire(this);
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Every request of the Registry service is a protobuf message.
      if (const void* message = methods->GetRecvMessage(); message != nullptr) {
        const auto& request = *static_cast<const google::protobuf::Message*>(message);
        std::string resource = StringField(request, "name");
        if (resource.empty()) resource = StringField(request, "parent");
        if (!resource.empty()) call_.resource = std::move(resource);
        call_.request_id = StringField(request, "request_id");
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const std::string method = info_->method();
      call_.service = registry::v1::Registry::service_full_name();
      call_.method = method.substr(method.rfind('/') + 1);
      call_.type = info_->type() == grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING
                       ? "server_stream"
                       : "unary";
      call_.code = status.error_code();
      call_.reason = ReasonOf(status);
      call_.duration = absl::Now() - start_;
      call_.identity = IdentityOf(*info_->server_context());
      call_.on_behalf_of =
          CharacterPrefix(auth::OnBehalfOf(*info_->server_context()).value_or(""), 200);
      for (CallObserver* observer : *observers_) observer->OnCallEnd(call_);
    }
    TsanRelease(this);
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
  const std::vector<CallObserver*>* const observers_;
  std::atomic<int64_t>* const in_flight_;
  const absl::Time start_;
  CallRecord call_;  // hooks of one call run one at a time
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Factory(std::vector<CallObserver*> observers, std::atomic<int64_t>* in_flight)
      : observers_(std::move(observers)),
        in_flight_(in_flight),
        prefix_(absl::StrCat("/", registry::v1::Registry::service_full_name(), "/")) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    if (!absl::StartsWith(info->method(), prefix_)) return nullptr;
    return new Interceptor(info, &observers_, in_flight_);
  }

 private:
  const std::vector<CallObserver*> observers_;
  std::atomic<int64_t>* const in_flight_;
  const std::string prefix_;
};

}  // namespace

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

const char* MetricCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "Canceled";
    case grpc::StatusCode::UNKNOWN:
      return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::StatusCode::ABORTED:
      return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "Internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "Unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      return "Unknown";
  }
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallObserverInterceptor(
    std::vector<CallObserver*> observers, std::atomic<int64_t>* in_flight) {
  return std::make_unique<Factory>(std::move(observers), in_flight);
}

}  // namespace psc::service
