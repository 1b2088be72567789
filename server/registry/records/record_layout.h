#pragma once

// Where the registry keeps things in the store (docs/architecture.md):
//   kRecords  (collection, id)                                  -> serialized resource
//   kIndex    (collection, field, value, "n", id)               -> ""  (List by name)
//             (collection, field, value, "c", create_us, id)    -> ""  (List by create_time)
//             ("~ref", target name, referrer name)              -> ""  (who references target)
//             ("~hist", resource name, sequence)                -> ""  (a resource's changes)
//   kChangeLog (sequence)                                       -> serialized ChangeEvent
//   kMeta     ("req", collection, request_id)                   -> (fingerprint, resource)
// Every resource is also indexed under the field "_all" with value "", which serves
// unfiltered Lists.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace psc::registry {

inline constexpr absl::string_view kAllField = "_all";

enum class SortOrder { kName, kCreateTime };

std::string RecordKey(absl::string_view collection, absl::string_view id);

// The prefix of every index entry for (collection, field, value) in `order`.
std::string IndexPrefix(absl::string_view collection, absl::string_view field,
                        absl::string_view value, SortOrder order);
// One index entry.
std::string IndexKey(absl::string_view collection, absl::string_view field, absl::string_view value,
                     SortOrder order, int64_t create_micros, absl::string_view id);
// The id at the end of an index entry key that starts with a prefix of `order`; false when
// the rest is malformed.
bool IdFromIndexSuffix(absl::string_view suffix, SortOrder order, std::string* id);

std::string ReferencePrefix(absl::string_view target);
std::string ReferenceKey(absl::string_view target, absl::string_view referrer);

std::string HistoryPrefix(absl::string_view name);
std::string HistoryKey(absl::string_view name, uint64_t sequence);
// The sequence at the end of a history key that starts with `prefix` (0 if malformed).
uint64_t SequenceFromHistoryKey(absl::string_view key, absl::string_view prefix);

std::string RequestKey(absl::string_view collection, absl::string_view request_id);
// The prefix of every request-id record.
std::string RequestPrefix();
// A request-id record's value: the request's fingerprint, the resource it created, and when.
std::string RequestValue(absl::string_view fingerprint, absl::string_view resource,
                         int64_t created_micros);
// Reads a RequestValue; false when malformed. Records written before the time was kept read
// as created at 0 (long expired).
bool ParseRequestValue(absl::string_view value, std::string* fingerprint, std::string* resource,
                       int64_t* created_micros);

}  // namespace psc::registry
