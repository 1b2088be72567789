// Every RPC the API declares is served: an RPC whose handler is missing (a kind added to the
// proto without its PSC_STANDARD_METHODS line, say) would answer UNIMPLEMENTED, which no other
// test would notice. Each method is called with an empty request through a generic channel.

#include <fstream>
#include <iterator>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/security/credentials.h"
#include "psc/registry/v1/registry_service.grpc.pb.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

std::string ReadPem(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

using EveryMethodTest = RegistryTest;

TEST_F(EveryMethodTest, NoDeclaredMethodIsUnimplemented) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadPem(TestCertsDir() + "/ca.crt");
  ssl.pem_cert_chain = ReadPem(TestCertsDir() + "/admin.crt");
  ssl.pem_private_key = ReadPem(TestCertsDir() + "/admin.key");
  auto channel = grpc::CreateChannel(pscd_->target(), grpc::SslCredentials(ssl));
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
