#pragma once
// The resource pointer and completion callbacks that registry operations share.

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace psc::registry {

using ResourcePtr = std::unique_ptr<google::protobuf::Message>;

// Write callbacks run on the store's committer thread and must not block.
using ResourceCallback = absl::AnyInvocable<void(absl::StatusOr<ResourcePtr>) &&>;
using StatusCallback = absl::AnyInvocable<void(absl::Status) &&>;

}  // namespace psc::registry
