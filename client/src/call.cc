#include "client/src/call.h"

#include <algorithm>

#include "client/src/credentials.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/rpc_method.h"
#include "psc/client/error_details.h"

namespace psc::client {

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

Call::Call(const Call& base, std::string on_behalf_of)
    : options_(base.options_),
      credentials_error_(base.credentials_error_),
      channel_(base.channel_),
      stub_(registry::v1::Registry::NewStub(channel_)),
      health_stub_(grpc::health::v1::Health::NewStub(channel_)) {
  options_.on_behalf_of = std::move(on_behalf_of);
}

absl::Status Call::Watch(
    const registry::v1::WatchChangesRequest& request,
    const std::function<bool(const registry::v1::WatchChangesResponse&)>& on_message) {
  if (!credentials_error_.ok()) return credentials_error_;
  grpc::ClientContext context;
  AddIdentity(&context);
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

absl::Status Call::Retrying(Retry retry,
                            const std::function<grpc::Status(grpc::ClientContext*)>& attempt) {
  if (!credentials_error_.ok()) return credentials_error_;
  const absl::Time deadline = absl::Now() + options_.deadline;
  absl::Duration backoff = options_.retry.initial_backoff;
  for (int attempts = 1;; ++attempts) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    AddIdentity(&context);
    grpc::Status status = attempt(&context);
    if (status.ok()) return absl::OkStatus();
    absl::Status error = FromGrpcStatus(status);
    const ErrorDetails details = GetErrorDetails(error);
    // Refused before anything was done (per-identity limits, a full queue): safe to repeat
    // whatever the call, after at least the delay the server asked for.
    const bool refused = details.reason == "RATE_LIMITED" || details.reason == "SERVER_BUSY";
    const absl::Duration wait =
        details.retry_delay > absl::ZeroDuration() ? Jitter(details.retry_delay) : Jitter(backoff);
    if (!(refused ||
          (retry == Retry::kYes && status.error_code() == grpc::StatusCode::UNAVAILABLE)) ||
        (!refused && attempts >= options_.retry.max_attempts) || absl::Now() + wait >= deadline) {
      return error;  // a refused call is retried until the deadline: the server paces it
    }
    absl::SleepFor(wait);
    // Our backoff governs: without this gRPC waits out its own reconnect backoff, which after a
    // few refused connections outlasts the call's retries.
    grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
    backoff = std::min(backoff * options_.retry.backoff_multiplier, options_.retry.max_backoff);
  }
}

absl::Status Call::UnaryMessage(const std::string& path, const google::protobuf::Message& request,
                                google::protobuf::Message* response, Retry retry) {
  const grpc::internal::RpcMethod method(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
  return Retrying(retry, [&](grpc::ClientContext* context) {
    response->Clear();
    return grpc::internal::BlockingUnaryCall<google::protobuf::Message, google::protobuf::Message,
                                             google::protobuf::MessageLite,
                                             google::protobuf::MessageLite>(
        channel_.get(), method, context, request, response);
  });
}

void Call::AddIdentity(grpc::ClientContext* context) const {
  if (!options_.on_behalf_of.empty()) {
    context->AddMetadata("psc-on-behalf-of", options_.on_behalf_of);  // auth::kOnBehalfOfMetadata
  }
}

absl::Duration Call::Jitter(absl::Duration d) {
  thread_local absl::BitGen gen;  // per thread: no lock, nothing shared
  return d * absl::Uniform(gen, 0.8, 1.2);
}

}  // namespace psc::client
