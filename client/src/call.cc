#include "client/src/call.h"

#include "client/src/credentials.h"
#include "grpcpp/create_channel.h"

namespace psc::client {

// Where absl::Status keeps the serialized google.rpc.Status of an error.
constexpr char kStatusDetailsUrl[] = "type.googleapis.com/google.rpc.Status";

absl::Status FromGrpcStatus(const grpc::Status& status) {
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (!status.error_details().empty()) {
    out.SetPayload(kStatusDetailsUrl, absl::Cord(status.error_details()));
  }
  return out;
}

Call::Call(const ClientOptions& options) : options_(options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  auto credentials = MakeChannelCredentials(options);
  if (!credentials.ok()) {
    credentials_error_ = credentials.status();
    credentials = grpc::InsecureChannelCredentials();  // never used: every call fails first
  }
  channel_ = grpc::CreateCustomChannel(options.target, *credentials, args);
  stub_ = registry::v1::Registry::NewStub(channel_);
  health_stub_ = grpc::health::v1::Health::NewStub(channel_);
}

absl::Status Call::Watch(
    const registry::v1::WatchChangesRequest& request,
    const std::function<bool(const registry::v1::WatchChangesResponse&)>& on_message) {
  if (!credentials_error_.ok()) return credentials_error_;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<registry::v1::WatchChangesResponse>> reader =
      stub_->WatchChanges(&context, request);
  registry::v1::WatchChangesResponse message;
  while (reader->Read(&message)) {
    if (!on_message(message)) {
      context.TryCancel();
      reader->Finish();
      return absl::OkStatus();
    }
  }
  grpc::Status status = reader->Finish();
  if (status.ok()) return absl::UnavailableError("the server ended the watch");
  return FromGrpcStatus(status);
}

absl::Duration Call::Jitter(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  return d * absl::Uniform(gen_, 0.8, 1.2);
}

}  // namespace psc::client
