#pragma once
// The resource pointer and completion callbacks that registry operations share.

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace psc::registry {

using RecordPtr = std::unique_ptr<google::protobuf::Message>;

// A write's callback runs exactly once: on the calling thread when the write fails before it
// reaches the store (authorization, validation), else on the store's committer thread after
// the commit. Either way it must not block, and the caller must not hold a lock the callback
// takes.
using RecordCallback = absl::AnyInvocable<void(absl::StatusOr<RecordPtr>) &&>;
using StatusCallback = absl::AnyInvocable<void(absl::Status) &&>;

}  // namespace psc::registry
