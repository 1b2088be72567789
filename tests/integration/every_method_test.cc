// Every RPC the API declares is served: an RPC whose handler is missing (a kind added to the
// proto without its PSC_STANDARD_METHODS line, say) would answer UNIMPLEMENTED, which no other
// test would notice. Each method is called with an empty request through a generic channel.

#include <fstream>
#include <iterator>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

std::string ReadPem(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class EveryMethodTest : public RegistryTest {
 protected:
  std::shared_ptr<grpc::Channel> Channel() {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadPem(TestCertsDir() + "/ca.crt");
    ssl.pem_cert_chain = ReadPem(TestCertsDir() + "/admin.crt");
    ssl.pem_private_key = ReadPem(TestCertsDir() + "/admin.key");
    return grpc::CreateChannel(pscd_->target(), grpc::SslCredentials(ssl));
  }

  // Calls `method` of the Registry service with `body` as the raw request bytes.
  grpc::Status CallRaw(const std::string& method, const std::string& body) {
    const std::string path =
        std::string("/") + registry::v1::Registry::service_full_name() + "/" + method;
    const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
    grpc::Slice slice(body);
    grpc::ByteBuffer request(&slice, 1), response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return grpc::internal::BlockingUnaryCall(Channel().get(), rpc, &context, request, &response);
  }
};

// The ErrorInfo reason in a raw call's status details.
std::string ReasonOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

TEST_F(EveryMethodTest, RequestsThatDoNotParseAreInvalidArguments) {
  const uint64_t before = client_->ListInitiatives({})->sequence();
  v1::CreateCollaborativeRequest valid;
  *valid.mutable_collaborative() = MakeCollaborative("Wessex");
  valid.set_collaborative_id("wessex");
  const std::string whole = valid.SerializeAsString();
  // Field 1 (name) holding bytes that are not UTF-8: a lone FF FE, an overlong NUL, a surrogate.
  for (const std::string& bad :
       {std::string("\xff\xfe"), std::string("\xc0\x80"), std::string("\xed\xa0\x80")}) {
    const std::string body = std::string("\x0a") + static_cast<char>(bad.size()) + bad;
    grpc::Status status = CallRaw("GetInitiative", body);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(ReasonOf(status), "MALFORMED_REQUEST");
  }
  for (const std::string& body :
       {std::string("\xff\xff\xff\xff garbage"), whole.substr(0, whole.size() - 3)}) {
    grpc::Status status = CallRaw("CreateCollaborative", body);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(ReasonOf(status), "MALFORMED_REQUEST");
  }
  // The whole body is fine, and nothing was written by the rest.
  EXPECT_EQ(client_->ListInitiatives({})->sequence(), before);
  EXPECT_TRUE(CallRaw("CreateCollaborative", whole).ok());
}

TEST_F(EveryMethodTest, NoDeclaredMethodIsUnimplemented) {
  auto channel = Channel();
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      registry::v1::Registry::service_full_name());
  ASSERT_NE(service, nullptr);
  google::protobuf::DynamicMessageFactory factory;
  int unary = 0;
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* method = service->method(i);
    if (method->server_streaming() || method->client_streaming()) continue;  // WatchChanges
    const std::string path = "/" + service->full_name() + "/" + method->name();
    const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
    std::unique_ptr<google::protobuf::Message> request(
        factory.GetPrototype(method->input_type())->New());
    std::unique_ptr<google::protobuf::Message> response(
        factory.GetPrototype(method->output_type())->New());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status =
        grpc::internal::BlockingUnaryCall<google::protobuf::Message, google::protobuf::Message,
                                          google::protobuf::MessageLite,
                                          google::protobuf::MessageLite>(
            channel.get(), rpc, &context, *request, response.get());
    EXPECT_NE(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method->name();
    ++unary;
  }
  EXPECT_GE(unary, 5 * 5);  // at least the standard methods of the five kinds
}

}  // namespace
}  // namespace psc::testing
