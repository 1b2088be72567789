#include "server/daemon/server.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "server/common/log.h"
#include "server/common/loopback.h"
#include "server/common/status_macros.h"
#include "server/daemon/without_reflection.h"
#include "server/registry/kinds/kind_check.h"
#include "server/service/calls/call_observer.h"
#include "server/service/calls/malformed_requests.h"
#include "server/service/calls/unary_call.h"
#include "server/service/methods/method_layout.h"
#include "server/service/transport/certificate_info.h"
#include "server/service/transport/credentials.h"

namespace psc::daemon {

absl::StatusOr<std::unique_ptr<auth::Authenticator>> MakeAuthenticator(
    const ServerOptions& options) {
  if (options.security.insecure) {
    if (!IsLoopbackAddress(options.listen)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--insecure serves plaintext and is allowed only on a loopback address (127.0.0.1, "
          "::1, localhost), not ",
          options.listen, "; give --tls-cert, --tls-key, --client-ca and --principals instead"));
    }
    return auth::Authenticator::ForInsecureLoopback();
  }
  if (options.principals_file.empty()) {
    return absl::InvalidArgumentError(
        "--principals is required with mTLS (or use --insecure on a loopback address)");
  }
  PSC_RETURN_IF_ERROR(service::CheckPrivateFile(options.principals_file, "--principals"));
  PSC_RETURN_IF_ERROR(service::CheckPrivateFile(options.security.key_file, "--tls-key"));
  return auth::Authenticator::ForMutualTls(options.principals_file);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  // What the compiler cannot check about the kinds, checked before anything opens.
  PSC_RETURN_IF_ERROR(registry::CheckKindTable());
  PSC_RETURN_IF_ERROR(service::CheckStandardMethodLayouts());
  std::unique_ptr<Server> server(new Server);
  PSC_ASSIGN_OR_RETURN(server->authenticator_, MakeAuthenticator(options));
  server->metrics_ = std::make_unique<daemon::Metrics>();
  PSC_ASSIGN_OR_RETURN(auto credentials, service::MakeServerCredentials(options.security));
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.sync = options.sync;
  store_options.env = options.storage_env;
  store_options.min_free_bytes = options.min_free_bytes;
  store_options.cache_bytes = options.cache_bytes;
  store_options.commit_observer = server->metrics_->CommitObserver();
  if (options.etcd.etcd.endpoints.empty()) {
    PSC_ASSIGN_OR_RETURN(server->store_, storage::Store::Open(store_options));
  } else {
    storage::EtcdStoreOptions etcd = options.etcd;
    etcd.local = store_options;
    PSC_ASSIGN_OR_RETURN(server->store_, storage::OpenEtcdStore(etcd));
  }
  PSC_ASSIGN_OR_RETURN(server->registry_, registry::Registry::Open(server->store_.get()));
  server->feed_ = std::make_unique<registry::StoreChangeFeed>(server->store_.get());
  server->hub_ = std::make_unique<service::WatchHub>(server->feed_.get(), options.watch);
  PSC_ASSIGN_OR_RETURN(server->search_index_,
                       index::SearchIndex::Open(options.data_dir + "/search"));
  server->indexer_ = std::make_unique<registry::SearchIndexer>(
      server->registry_.get(), server->feed_.get(), server->search_index_.get());
  server->discovery_ = std::make_unique<registry::Discovery>(
      server->registry_.get(), server->store_.get(), server->search_index_.get());
  server->workflows_ =
      std::make_unique<registry::Workflows>(server->store_.get(), server->registry_.get());
  server->reports_ =
      std::make_unique<registry::ReportFollower>(server->registry_.get(), server->feed_.get());
  server->measurements_ =
      std::make_unique<registry::Measurements>(server->store_.get(), server->registry_.get());
  PSC_ASSIGN_OR_RETURN(server->backups_,
                       registry::Backups::Start(server->store_.get(), options.backup));
  server->store_->SetCommitListener([hub = server->hub_.get(), indexer = server->indexer_.get(),
                                     reports = server->reports_.get()](uint64_t last) {
    hub->OnCommit(last);
    indexer->OnCommit(last);
    reports->OnCommit(last);
  });
  registry::RetentionOptions retention = options.retention;
  // What this replica's search index has applied, and, on a replicated store, what the
  // slowest replica's has.
  retention.applied_by_readers = [index = server->search_index_.get(),
                                  store = server->store_.get()] {
    return std::min(index->last_sequence(),
                    store->SlowestReplicaPosition().value_or(index->last_sequence()));
  };
  server->trimmer_ = std::make_unique<registry::ChangeLogTrimmer>(server->store_.get(), retention);
  const MetricSources state{
      .store_stats = [store = server->store_.get()] { return store->stats(); },
      .first_sequence = [store = server->store_.get()] { return store->first_retained_sequence(); },
      .last_sequence = [store = server->store_.get()] { return store->last_sequence(); },
      .index_sequence = [index = server->search_index_.get()] { return index->last_sequence(); },
      .open_watches = [hub = server->hub_.get()] { return static_cast<uint64_t>(hub->size()); },
      .latest_backup = [backups = server->backups_.get()] { return backups->latest_backup_time(); },
  };
  StatusSources status{
      .state = state,
      .store = options.etcd.etcd.endpoints.empty() ? "rocksdb" : "etcd",
      .start_time = absl::Now(),
      .serving = [s = server.get()] { return s->serving_.load(); },
      .slowest_replica = [store = server->store_.get()] { return store->SlowestReplicaPosition(); },
  };
  server->service_ = std::make_unique<service::RegistryService>(
      server->registry_.get(), server->authenticator_.get(), options.limits, server->feed_.get(),
      server->hub_.get(), server->discovery_.get(), server->workflows_.get(),
      server->reports_.get(), server->measurements_.get(), server->backups_.get(),
      [status = std::move(status)] { return ReadServerStatus(status); });

  server->audit_ = std::make_unique<service::RefusalAudit>();
  server->call_log_ = std::make_unique<service::CallLog>(options.log_calls);
  grpc::EnableDefaultHealthCheckService(true);
  // Linking the reflection library registers its plugin for every server; without reflection
  // the builder drops it again.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options.reflection) builder.SetOption(std::make_unique<daemon::WithoutReflection>());
  int port = 0;
  builder.AddListeningPort(options.listen, credentials, &port);
  builder.RegisterService(server->service_.get());
  builder.SetMaxReceiveMessageSize(service::kMaxGrpcReceiveBytes);  // ours is lower: unary_call.h
  builder.SetMaxSendMessageSize(kMaxSendMessageBytes);
  // The port is ours alone: with SO_REUSEPORT a second pscd could bind it too and the kernel
  // would split clients between two registries.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Idle connections that never start TLS would otherwise hold a descriptor for 120 s.
  builder.AddChannelArgument(
      GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.handshake_timeout)));
  auto interceptors = service::MalformedRequestInterceptors();
  interceptors.push_back(service::CallObserverInterceptor(
      {server->audit_.get(), server->metrics_->calls(), server->call_log_.get()},
      &server->calls_in_flight_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  // The health service answers for the whole server ("") and for each service by name.
  grpc::HealthCheckServiceInterface* health = server->grpc_server_->GetHealthCheckService();
  health->SetServingStatus(registry::v1::Registry::service_full_name(), true);
  health->SetServingStatus("grpc.health.v1.Health", true);
  if (options.reflection)
    health->SetServingStatus("grpc.reflection.v1alpha.ServerReflection", true);
  if (!options.health_listen.empty()) {
    PSC_ASSIGN_OR_RETURN(server->health_,
                         daemon::HealthServer::Start(options.health_listen,
                                                     {registry::v1::Registry::service_full_name(),
                                                      "grpc.health.v1.Health"}));
  }
  if (!options.etcd.etcd.endpoints.empty()) {
    server->store_health_ = std::make_unique<StoppableThread>(
        [s = server.get(), lost_after = options.etcd_lost_after](StoppableThread& self) {
          s->WatchStoreHealth(self, lost_after);
        });
  }
  std::string host = options.listen.substr(0, options.listen.rfind(':'));
  server->address_ = absl::StrCat(host, ":", port);
  server->port_ = port;
  if (!options.metrics_listen.empty()) {
    MetricSources sources = state;
    sources.connections = options.connection_counts;
    if (!options.security.insecure) {
      auto cert = service::ReadCertificate(options.security.cert_file, options.security.key_file);
      if (cert.ok()) sources.certificate_not_after = cert->not_after;
    }
    absl::Status serving = server->metrics_->Serve(options.metrics_listen, std::move(sources));
    if (!serving.ok() && options.metrics_listen_is_default) {
      LogWarning(absl::StrCat("no metrics: ", options.metrics_listen,
                              " is in use (another pscd on this machine?); --metrics-listen "
                              "HOST:PORT serves them elsewhere"));
    } else {
      PSC_RETURN_IF_ERROR(serving);
    }
  }
  return server;
}

Server::~Server() { Shutdown(absl::Seconds(5)); }

void Server::WatchStoreHealth(StoppableThread& self, absl::Duration lost_after) {
  bool serving = true;
  while (self.WaitFor(absl::Seconds(1))) {
    const std::optional<storage::ReplicationStats> replication = store_->stats().replication;
    if (!replication) return;
    store_->PublishReplicaPosition(search_index_->last_sequence());
    const bool now_serving = replication->mirror_age_seconds < absl::ToDoubleSeconds(lost_after);
    if (now_serving == serving) continue;
    serving = now_serving;
    serving_ = serving;
    if (serving) {
      LogInfo("pscd: the mirror holds etcd's latest commit again: SERVING");
    } else {
      LogError(absl::StrCat("pscd: the mirror has not held etcd's latest commit for ",
                            static_cast<int>(replication->mirror_age_seconds), " s (etcd ",
                            replication->reachable ? "reachable" : "unreachable",
                            "): health NOT_SERVING, so that load balancers drain this replica; "
                            "reads go on"));
    }
    grpc::HealthCheckServiceInterface* health = grpc_server_->GetHealthCheckService();
    health->SetServingStatus(serving);
    health->SetServingStatus(registry::v1::Registry::service_full_name(), serving);
    if (health_ != nullptr) health_->SetServing(serving);
  }
}

void Server::Shutdown(absl::Duration grace) {
  std::call_once(shutdown_once_, [&] {
    store_health_.reset();  // before draining: it would set SERVING again
    if (metrics_ != nullptr) metrics_->StopServing();  // scrapes read what is closed below
    // Draining: probes see NOT_SERVING (for every name) while in-flight calls finish.
    if (grpc_server_ != nullptr) grpc_server_->GetHealthCheckService()->Shutdown();
    serving_ = false;
    if (health_ != nullptr) health_->Drain();
    // Watches are endless: end them first. A client that stopped reading keeps its call open
    // however it is ended, until gRPC cancels every call at the deadline: then the deadline is
    // a second away at most, so a stalled client cannot hold up the stop.
    const size_t stalled = hub_ != nullptr ? hub_->Shutdown() : 0;
    if (stalled > 0) {
      LogWarning(absl::StrCat("pscd: ", stalled,
                              " watch(es) whose client stopped reading: "
                              "in-flight calls get at most 1 s"));
      grace = std::min(grace, absl::Seconds(1));
    }
    if (grpc_server_ != nullptr) StopServing(grace);
    health_.reset();
    service_.reset();  // runs the similar-initiative hints still queued
    trimmer_.reset();
    backups_.reset();  // waits for a scheduled backup in progress
    if (store_ != nullptr) store_->SetCommitListener(nullptr);  // the indexer goes next
    indexer_.reset();
    reports_.reset();
    discovery_.reset();
    workflows_.reset();
    measurements_.reset();
    search_index_.reset();
    hub_.reset();
    feed_.reset();
    registry_.reset();
    store_.reset();  // commits what is queued, joins the committer and closes RocksDB
    stopped_.Notify();
  });
}

void Server::StopServing(absl::Duration grace) {
  // gRPC's graceful stop sends each connection a GOAWAY and a PING and waits for the client's
  // answer, but an idle C++ client reads its connection only at its next poll, up to 5 s later.
  // So once no call is under way, pscd closes the idle connections itself (cancelling all calls,
  // of which there are none): a stop lasts as long as the slowest call, not the slowest poller.
  const absl::Time deadline = absl::Now() + grace;
  std::atomic<bool> stopped{false};
  std::thread stopper([this, deadline, &stopped] {
    grpc_server_->Shutdown(absl::ToChronoTime(deadline));
    stopped = true;
  });
  absl::SleepFor(absl::Milliseconds(20));  // lets Shutdown begin: refuse new calls first
  while (!stopped.load() && absl::Now() < deadline) {
    if (calls_in_flight_.load() == 0) grpc_server_cancel_all_calls(grpc_server_->c_server());
    absl::SleepFor(absl::Milliseconds(20));
  }
  stopper.join();
  grpc_server_->Wait();
  grpc_server_.reset();
}

absl::Status Server::ReloadPrincipals() {
  absl::Status status = authenticator_->Reload();
  if (!status.ok()) return status;
  hub_->Reauthorize([this](const std::string& identity, const std::string& channel) {
    return authenticator_->Lookup(identity, channel);
  });
  return absl::OkStatus();
}

void Server::Wait() { stopped_.WaitForNotification(); }

}  // namespace psc::daemon
