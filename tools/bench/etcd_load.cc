#include "tools/bench/etcd_load.h"

#include "absl/strings/str_cat.h"
#include "client/src/credentials.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "server/etcd/rpc.grpc.pb.h"
#include "tools/bench/generator.h"

namespace psc::bench {
namespace {

absl::Status FromGrpc(const grpc::Status& s) {
  return s.ok() ? absl::OkStatus()
                : absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

class GrpcEtcdLoad : public EtcdLoad {
 public:
  explicit GrpcEtcdLoad(std::shared_ptr<grpc::Channel> channel)
      : stub_(etcdserverpb::KV::NewStub(std::move(channel))) {}

  absl::Status Put(int n) override {
    etcdserverpb::PutRequest request;
    request.set_key(absl::StrCat("records/", n));
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(GenerateRecord(n), &json).ok()) {
      return absl::InternalError("record to JSON");
    }
    request.set_value(std::move(json));
    etcdserverpb::PutResponse response;
    grpc::ClientContext context;
    return FromGrpc(stub_->Put(&context, request, &response));
  }

  absl::Status Range(int n) override {
    etcdserverpb::RangeRequest request;
    request.set_key(absl::StrCat("records/", n));
    etcdserverpb::RangeResponse response;
    grpc::ClientContext context;
    absl::Status s = FromGrpc(stub_->Range(&context, request, &response));
    if (s.ok() && response.kvs().empty()) return absl::NotFoundError(request.key());
    return s;
  }

 private:
  std::unique_ptr<etcdserverpb::KV::Stub> stub_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<EtcdLoad>> EtcdLoad::Connect(const client::ClientOptions& options) {
  auto credentials = client::MakeChannelCredentials(options);
  if (!credentials.ok()) return credentials.status();
  return std::make_unique<GrpcEtcdLoad>(grpc::CreateChannel(options.target, *credentials));
}

}  // namespace psc::bench
