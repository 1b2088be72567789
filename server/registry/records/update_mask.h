#pragma once

// AIP-134 field masks for Update.

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "server/registry/kinds/record_kind.h"

namespace psc::registry {

// The mask to apply: `mask` checked against the kind's message (each path must exist and not
// start with an output-only field); an empty mask becomes every writable field set in `patch`;
// "*" becomes every writable field. INVALID_ARGUMENT, reason INVALID_UPDATE_MASK, otherwise.
absl::StatusOr<google::protobuf::FieldMask> ResolveUpdateMask(
    const RecordKind& kind, const google::protobuf::Message& patch,
    const google::protobuf::FieldMask& mask);

// Replaces the masked fields of `target` with those of `patch` (repeated and message fields
// replaced whole; an unset field in `patch` clears it).
void ApplyUpdateMask(const google::protobuf::Message& patch,
                     const google::protobuf::FieldMask& mask, google::protobuf::Message* target);

}  // namespace psc::registry
