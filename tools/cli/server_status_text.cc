#include "tools/cli/server_status_text.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace psc::cli {
namespace {

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// "3d 4h", "2h 5m", "41s": the two largest units.
std::string Age(absl::Duration d) {
  const int64_t s = absl::ToInt64Seconds(d);
  if (s >= 86400) return absl::StrFormat("%dd %dh", s / 86400, s % 86400 / 3600);
  if (s >= 3600) return absl::StrFormat("%dh %dm", s / 3600, s % 3600 / 60);
  if (s >= 60) return absl::StrFormat("%dm %ds", s / 60, s % 60);
  return absl::StrFormat("%ds", s);
}

std::string Bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? absl::StrCat(bytes, " B") : absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

}  // namespace

void PrintServerStatusText(const registry::v1::ServerStatus& status, absl::Time now,
                           std::ostream& out) {
  std::vector<std::pair<std::string, std::string>> lines;
  const absl::Time started = FromProto(status.start_time());
  lines.emplace_back("version", status.version());
  lines.emplace_back("started", absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", started,
                                                              absl::UTCTimeZone()),
                                             " (up ", Age(now - started), ")"));
  lines.emplace_back("serving", status.serving() ? "yes" : "NO (health reports NOT_SERVING)");
  lines.emplace_back("store", status.store());
  lines.emplace_back("change log", absl::StrCat("sequences ", status.first_sequence(), " to ",
                                                status.last_sequence()));
  const uint64_t behind = status.last_sequence() > status.index_sequence()
                              ? status.last_sequence() - status.index_sequence()
                              : 0;
  lines.emplace_back("search index",
                     absl::StrCat("sequence ", status.index_sequence(), " (", behind,
                                  behind == 1 ? " change" : " changes", " not yet searchable)"));
  lines.emplace_back("queued writes", absl::StrCat(status.queued_mutations()));
  lines.emplace_back("open watches", absl::StrCat(status.open_watches()));
  lines.emplace_back("free disk", Bytes(status.free_disk_bytes()));
  if (status.has_latest_backup_time()) {
    const absl::Time backup = FromProto(status.latest_backup_time());
    lines.emplace_back("latest backup", absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%S UTC",
                                                                      backup, absl::UTCTimeZone()),
                                                     " (", Age(now - backup), " ago)"));
  } else {
    lines.emplace_back("latest backup", "none");
  }
  if (status.has_replication()) {
    const auto& r = status.replication();
    const double age = static_cast<double>(r.mirror_age().seconds()) + r.mirror_age().nanos() / 1e9;
    lines.emplace_back("etcd", r.etcd_reachable() ? "reachable" : "UNREACHABLE");
    lines.emplace_back("mirror", absl::StrFormat("revision %d, %.1f s behind etcd's latest commit, "
                                                 "%d resyncs since start",
                                                 r.mirror_revision(), age, r.mirror_resyncs()));
    lines.emplace_back(
        "etcd database",
        absl::StrCat(
            r.etcd_db_size_bytes() > 0 ? Bytes(r.etcd_db_size_bytes()) : std::string("unknown"),
            r.etcd_out_of_space() ? " (NOSPACE alarm: writes refused)" : ""));
    lines.emplace_back("slowest replica",
                       r.slowest_replica_sequence() > 0
                           ? absl::StrCat("index at sequence ", r.slowest_replica_sequence())
                           : std::string("not yet known"));
  }
  size_t width = 0;
  for (const auto& [what, value] : lines) width = std::max(width, what.size());
  for (const auto& [what, value] : lines) {
    out << what << std::string(width - what.size() + 2, ' ') << value << "\n";
  }
}

}  // namespace psc::cli
