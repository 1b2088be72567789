#pragma once

namespace psc::storage {

// The column families of the store (docs/architecture.md).
enum class Family {
  kRecords = 0,    // resource records: serialized messages keyed by (collection, id)
  kIndex = 1,      // secondary index entries and reverse references; values are empty
  kChangeLog = 2,  // change-log entries keyed by sequence (uint64, big-endian)
  kMeta = 3,       // store metadata, request-id records and small server state
};
inline constexpr int kFamilyCount = 4;

}  // namespace psc::storage
