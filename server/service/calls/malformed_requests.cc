#include "server/service/calls/malformed_requests.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "server/common/errors.h"
#include "server/common/tsan.h"
#include "server/service/calls/grpc_status.h"

namespace psc::service {
namespace {

using grpc::experimental::InterceptionHookPoints;

class MalformedRequestInterceptor final : public grpc::experimental::Interceptor {
 public:
  // gRPC creates, runs and destroys an interceptor on whichever threads its call moves to,
  // ordered by gRPC core; TsanRelease / TsanAcquire state that order (server/common/tsan.h).
  explicit MalformedRequestInterceptor(std::string method) : method_(std::move(method)) {
    TsanRelease(this);
  }
  ~MalformedRequestInterceptor() override { TsanAcquire(this); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    TsanAcquire(this);
    // A request that did not deserialize reaches this hook without a message.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      unparsed_ = methods->GetRecvMessage() == nullptr;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      if (unparsed_ && status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        const std::string method = method_.substr(method_.rfind('/') + 1);
        methods->ModifySendStatus(ToGrpcStatus(Error(
            absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
            absl::StrCat("the request does not parse as a ", method,
                         " request: a truncated or garbled body, or invalid UTF-8 in a string "
                         "field"),
            {{"*", "does not parse"}})));
      }
    }
    TsanRelease(this);
    methods->Proceed();
  }

 private:
  const std::string method_;
  bool unparsed_ = false;  // hooks of one call run one at a time
};

class Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const std::string prefix = absl::StrCat("/", registry::v1::Registry::service_full_name(), "/");
    if (info->type() != grpc::experimental::ServerRpcInfo::Type::UNARY ||
        !absl::StartsWith(info->method(), prefix)) {
      return nullptr;
    }
    return new MalformedRequestInterceptor(info->method());
  }
};

}  // namespace

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MalformedRequestInterceptors() {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<Factory>());
  return out;
}

}  // namespace psc::service
