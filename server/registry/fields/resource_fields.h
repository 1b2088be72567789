#pragma once

// Reflection access to the fields every resource message shares: name, create_time,
// update_time and etag.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace psc::registry {

std::string GetName(const google::protobuf::Message& m);
void SetName(google::protobuf::Message* m, const std::string& name);
std::string GetEtag(const google::protobuf::Message& m);

// create_time in microseconds since the epoch (0 when unset).
int64_t CreateTimeMicros(const google::protobuf::Message& m);

// Sets the server-owned fields of a resource written at `now` under change `sequence`:
// update_time and etag always, create_time when `created`.
void Stamp(google::protobuf::Message* m, absl::Time now, uint64_t sequence, bool created);

// The output-only fields of a resource: the common ones plus `derived`.
std::vector<std::string> OutputOnlyFields(const std::vector<std::string>& derived);

// Clears the named top-level fields.
void ClearFields(google::protobuf::Message* m, const std::vector<std::string>& fields);

}  // namespace psc::registry
