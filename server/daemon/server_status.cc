#include "server/daemon/server_status.h"

#include "google/protobuf/util/time_util.h"
#include "server/daemon/build_info.h"

namespace psc::daemon {

using google::protobuf::util::TimeUtil;

namespace {

google::protobuf::Timestamp ToProto(absl::Time time) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

}  // namespace

registry::v1::ServerStatus ReadServerStatus(const StatusSources& sources) {
  registry::v1::ServerStatus status;
  status.set_version(VersionText());
  *status.mutable_start_time() = ToProto(sources.start_time);
  status.set_store(sources.store);
  status.set_first_sequence(sources.state.first_sequence());
  status.set_last_sequence(sources.state.last_sequence());
  status.set_index_sequence(sources.state.index_sequence());
  status.set_open_watches(static_cast<uint32_t>(sources.state.open_watches()));
  if (std::optional<absl::Time> backup = sources.state.latest_backup()) {
    *status.mutable_latest_backup_time() = ToProto(*backup);
  }
  status.set_serving(sources.serving());
  const storage::StoreStats stats = sources.state.store_stats();
  status.set_queued_mutations(stats.queued);
  status.set_free_disk_bytes(stats.free_disk_bytes);
  if (stats.replication) {
    registry::v1::ServerStatus::Replication& replication = *status.mutable_replication();
    replication.set_etcd_reachable(stats.replication->reachable);
    *replication.mutable_mirror_age() = TimeUtil::NanosecondsToDuration(
        static_cast<int64_t>(stats.replication->mirror_age_seconds * 1e9));
    replication.set_mirror_revision(stats.replication->revision);
    replication.set_mirror_resyncs(stats.replication->resyncs);
    replication.set_etcd_db_size_bytes(stats.replication->cluster_db_bytes);
    replication.set_etcd_out_of_space(stats.replication->cluster_out_of_space);
    replication.set_slowest_replica_sequence(sources.slowest_replica().value_or(0));
  }
  return status;
}

}  // namespace psc::daemon
