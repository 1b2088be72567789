#include "server/storage/etcd/etcd_client.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace psc::storage {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", what, " ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

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

}  // namespace

absl::StatusOr<std::unique_ptr<EtcdClient>> EtcdClient::Create(const EtcdClientOptions& options) {
  if (options.endpoints.empty()) {
    return absl::InvalidArgumentError("etcd: name at least one member's URL");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError("etcd: give the client certificate and its key together");
  }
  std::shared_ptr<grpc::ChannelCredentials> tls;
  if (!options.ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    auto ca = ReadPem(options.ca_file, "the etcd CA certificate");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    if (!options.cert_file.empty()) {
      auto cert = ReadPem(options.cert_file, "the etcd client certificate");
      if (!cert.ok()) return cert.status();
      auto key = ReadPem(options.key_file, "the etcd client key");
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
    tls = grpc::SslCredentials(ssl);
  }
  std::unique_ptr<EtcdClient> client(new EtcdClient(options));
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

bool OutcomeUnknown(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:  // etcd's NOSPACE alarm refuses before applying
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::UNIMPLEMENTED:
      return false;
    default:
      return true;
  }
}

absl::Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat("etcd: ", status.error_message()));
}

std::shared_ptr<grpc::Channel> EtcdClient::ChannelOf(size_t member) {
  Member& m = *members_[member];
  MutexLock lock(&m.mu);
  return m.channel;
}

void EtcdClient::Reconnect(size_t member) {
  Member& m = *members_[member];
  MutexLock lock(&m.mu);
  if (m.channel != nullptr && absl::Now() - m.created < absl::Seconds(1)) return;
  m.channel = grpc::CreateCustomChannel(m.target, m.credentials, ChannelArgs());
  m.created = absl::Now();
}

template <typename Call>
grpc::Status EtcdClient::OnCurrent(Call&& call) {
  const size_t member = current();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  grpc::Status status = call(ChannelOf(member), &context);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    MoveOn(member);
  }
  return status;
}

void EtcdClient::MoveOn(size_t failed) {
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

void EtcdClient::Rotate() { MoveOn(current()); }

const std::string& EtcdClient::current_endpoint() const { return members_[current()]->url; }

grpc::Status EtcdClient::Range(const etcdserverpb::RangeRequest& request,
                               etcdserverpb::RangeResponse* response) {
  grpc::Status status;
  for (size_t tried = 0; tried < members_.size(); ++tried) {
    status = OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
      return etcdserverpb::KV::NewStub(channel)->Range(c, request, response);
    });
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      break;
    }
  }
  return status;
}

grpc::Status EtcdClient::Txn(const etcdserverpb::TxnRequest& request,
                             etcdserverpb::TxnResponse* response) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    return etcdserverpb::KV::NewStub(channel)->Txn(c, request, response);
  });
}

grpc::Status EtcdClient::Compact(int64_t revision) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    etcdserverpb::CompactionRequest request;
    request.set_revision(revision);
    etcdserverpb::CompactionResponse response;
    return etcdserverpb::KV::NewStub(channel)->Compact(c, request, &response);
  });
}

grpc::Status EtcdClient::Status(etcdserverpb::StatusResponse* response) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    return etcdserverpb::Maintenance::NewStub(channel)->Status(c, {}, response);
  });
}

grpc::Status EtcdClient::Alarms(etcdserverpb::AlarmResponse* response) {
  return OnCurrent([&](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* c) {
    etcdserverpb::AlarmRequest request;
    request.set_action(etcdserverpb::AlarmRequest::GET);
    return etcdserverpb::Maintenance::NewStub(channel)->Alarm(c, request, response);
  });
}

std::unique_ptr<grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
EtcdClient::Watch(grpc::ClientContext* context) {
  // etcd's clientv3.WithRequireLeader: the member ends the stream when it loses its leader.
  context->AddMetadata("hasleader", "true");
  return etcdserverpb::Watch::NewStub(ChannelOf(current()))->Watch(context);
}

}  // namespace psc::storage
