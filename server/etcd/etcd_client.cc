#include "server/etcd/etcd_client.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpcpp/grpcpp.h"
#include "server/common/pem_file.h"
#include "server/etcd/rpc.grpc.pb.h"

namespace psc::etcd {
namespace {

grpc::ChannelArguments ChannelArgs() {
  grpc::ChannelArguments args;
  // Record values reach 1 MiB and a Range page holds many: far beyond gRPC's 4 MiB default.
  args.SetMaxReceiveMessageSize(512 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  // A member that stops answering (a SIGSTOP, a dead machine behind a live switch) is found
  // within seconds, not at TCP's pace. etcd refuses pings more often than its
  // --grpc-keepalive-min-time (5 s by default) and then drops the connection.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 6000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 3000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Each channel its own connections, so that a fresh channel (Reconnect) really reconnects.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  return args;
}

// An etcd call's failure as an absl::Status, with etcd's message.
absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat("etcd: ", status.error_message()));
}

bool MayBeGone(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

// A Watch over a gRPC stream; its context lives as long as it.
class GrpcWatch final : public Watch {
 public:
  explicit GrpcWatch(std::shared_ptr<grpc::Channel> channel) {
    // etcd's clientv3.WithRequireLeader: the member ends the stream when it loses its leader.
    context_.AddMetadata("hasleader", "true");
    stream_ = etcdserverpb::Watch::NewStub(channel)->Watch(&context_);
  }
  bool Write(const etcdserverpb::WatchRequest& request) override { return stream_->Write(request); }
  bool Read(etcdserverpb::WatchResponse* response) override { return stream_->Read(response); }
  void Cancel() override { context_.TryCancel(); }
  absl::Status Finish() override { return FromGrpc(stream_->Finish()); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
      stream_;
};

}  // namespace

struct Client::Member {
  std::string url;
  std::string target;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  Mutex mu;
  std::shared_ptr<grpc::Channel> channel ABSL_GUARDED_BY(mu);
  absl::Time created ABSL_GUARDED_BY(mu);
  absl::Time failed ABSL_GUARDED_BY(mu) = absl::InfinitePast();  // last failure seen
};

Client::Client(ClientOptions options) : options_(std::move(options)) {}
Client::~Client() = default;

absl::StatusOr<std::unique_ptr<Client>> Client::Create(const ClientOptions& options) {
  if (options.endpoints.empty()) {
    return absl::InvalidArgumentError("etcd: name at least one member's URL");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError("etcd: give the client certificate and its key together");
  }
  std::shared_ptr<grpc::ChannelCredentials> tls;
  if (!options.ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    auto ca = ReadPemFile(options.ca_file, "--etcd-ca");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    if (!options.cert_file.empty()) {
      auto cert = ReadPemFile(options.cert_file, "--etcd-cert");
      if (!cert.ok()) return cert.status();
      auto key = ReadPemFile(options.key_file, "--etcd-key");
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
    tls = grpc::SslCredentials(ssl);
  }
  std::unique_ptr<Client> client(new Client(options));
  for (const std::string& url : options.endpoints) {
    absl::string_view target = url;
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    if (absl::ConsumePrefix(&target, "https://")) {
      if (tls == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "etcd: ", url, " is https: give --etcd-ca (and --etcd-cert/--etcd-key for mTLS)"));
      }
      credentials = tls;
    } else if (absl::ConsumePrefix(&target, "http://")) {
      credentials = grpc::InsecureChannelCredentials();
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "etcd: \"", url, "\" is not a member URL: use https://host:port (or http://)"));
    }
    target = absl::StripSuffix(target, "/");
    if (target.empty() || !absl::StrContains(target, ':') || absl::StrContains(target, '/')) {
      return absl::InvalidArgumentError(
          absl::StrCat("etcd: \"", url, "\" has no host:port (https://host:port)"));
    }
    auto member = std::make_unique<Member>();
    member->url = url;
    member->target = std::string(target);
    member->credentials = credentials;
    client->members_.push_back(std::move(member));
    client->Reconnect(client->members_.size() - 1);
  }
  return client;
}

bool OutcomeUnknown(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kResourceExhausted:  // etcd's NOSPACE alarm refuses before applying
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kUnimplemented:
      return false;
    default:
      return true;
  }
}

std::shared_ptr<grpc::Channel> Client::ChannelOf(size_t member) {
  Member& m = *members_[member];
  MutexLock lock(&m.mu);
  return m.channel;
}

void Client::Reconnect(size_t member) {
  Member& m = *members_[member];
  MutexLock lock(&m.mu);
  if (m.channel != nullptr && absl::Now() - m.created < absl::Seconds(1)) return;
  m.channel = grpc::CreateCustomChannel(m.target, m.credentials, ChannelArgs());
  m.created = absl::Now();
}

template <typename Call>
absl::Status Client::OnCurrent(Call&& call) {
  const size_t member = current();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  absl::Status status = FromGrpc(call(ChannelOf(member), &context));
  if (MayBeGone(status)) {
    MoveOn(member);
  }
  return status;
}

void Client::MoveOn(size_t failed) {
  {
    Member& m = *members_[failed];
    MutexLock lock(&m.mu);
    m.failed = absl::Now();
  }
  Reconnect(failed);
  size_t next = failed + 1;
  for (size_t i = 1; i < members_.size(); ++i) {
    const size_t candidate = (failed + i) % members_.size();
    Member& m = *members_[candidate];
    MutexLock lock(&m.mu);
    if (absl::Now() - m.failed > absl::Seconds(5)) {
      next = candidate;
      break;
    }
  }
  size_t expected = current_.load();
  if (expected % members_.size() == failed) current_.compare_exchange_strong(expected, next);
}

void Client::Rotate() { MoveOn(current()); }

const std::string& Client::current_endpoint() const { return members_[current()]->url; }

absl::Status Client::Range(const etcdserverpb::RangeRequest& request,
                           etcdserverpb::RangeResponse* response) {
  absl::Status status;
  for (size_t tried = 0; tried < members_.size(); ++tried) {
    status = OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
      return etcdserverpb::KV::NewStub(channel)->Range(c, request, response);
    });
    if (!MayBeGone(status)) break;
  }
  return status;
}

absl::Status Client::Txn(const etcdserverpb::TxnRequest& request,
                         etcdserverpb::TxnResponse* response) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    return etcdserverpb::KV::NewStub(channel)->Txn(c, request, response);
  });
}

absl::Status Client::Compact(int64_t revision) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    etcdserverpb::CompactionRequest request;
    request.set_revision(revision);
    etcdserverpb::CompactionResponse response;
    return etcdserverpb::KV::NewStub(channel)->Compact(c, request, &response);
  });
}

absl::Status Client::LeaseGrant(absl::Duration ttl, int64_t* id) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    etcdserverpb::LeaseGrantRequest request;
    request.set_ttl(absl::ToInt64Seconds(ttl));
    etcdserverpb::LeaseGrantResponse response;
    grpc::Status status = etcdserverpb::Lease::NewStub(channel)->LeaseGrant(c, request, &response);
    *id = response.id();
    return status;
  });
}

absl::Status Client::LeaseRevoke(int64_t id) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    etcdserverpb::LeaseRevokeRequest request;
    request.set_id(id);
    etcdserverpb::LeaseRevokeResponse response;
    return etcdserverpb::Lease::NewStub(channel)->LeaseRevoke(c, request, &response);
  });
}

absl::Status Client::LeaseKeepAlive(int64_t id, int64_t* ttl_seconds) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    // etcd's keepalive is a stream: one request, one answer, done.
    auto stream = etcdserverpb::Lease::NewStub(channel)->LeaseKeepAlive(c);
    etcdserverpb::LeaseKeepAliveRequest request;
    request.set_id(id);
    etcdserverpb::LeaseKeepAliveResponse response;
    const bool answered = stream->Write(request) && stream->Read(&response);
    stream->WritesDone();
    c->TryCancel();
    grpc::Status finished = stream->Finish();
    *ttl_seconds = answered ? response.ttl() : 0;
    return answered ? grpc::Status::OK : finished;
  });
}

absl::Status Client::Status(etcdserverpb::StatusResponse* response) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    return etcdserverpb::Maintenance::NewStub(channel)->Status(c, {}, response);
  });
}

absl::Status Client::Alarms(etcdserverpb::AlarmResponse* response) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    etcdserverpb::AlarmRequest request;
    request.set_action(etcdserverpb::AlarmRequest::GET);
    return etcdserverpb::Maintenance::NewStub(channel)->Alarm(c, request, response);
  });
}

std::unique_ptr<Watch> Client::OpenWatch() {
  return std::make_unique<GrpcWatch>(ChannelOf(current()));
}

}  // namespace psc::etcd
