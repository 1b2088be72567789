#pragma once
// One line of a JSON-lines registry file (what `psc export` writes and `psc import` reads): a
// RegistryRecord in protobuf's JSON mapping with exactly one resource set. Untrusted input:
// tests/fuzz/import_line_fuzzer feeds it arbitrary bytes.

#include <string_view>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "psc/registry/v1/record.pb.h"

namespace psc::cli {

// Parses `text`. INVALID_ARGUMENT, with protobuf's reason or "no resource in it", when it is
// not JSON of a RegistryRecord or sets no resource.
absl::StatusOr<registry::v1::RegistryRecord> ParseRecordLine(std::string_view text);

// The resource `record` holds, or nullptr when none is set.
const google::protobuf::Message* RecordResource(const registry::v1::RegistryRecord& record);
google::protobuf::Message* MutableRecordResource(registry::v1::RegistryRecord* record);

}  // namespace psc::cli
