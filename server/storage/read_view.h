#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/storage/family.h"

namespace psc::storage {

// A consistent, read-only snapshot of the store. Reads take no locks. A view must not outlive
// the store that made it. Thread-compatible: one view may be used by one thread at a time;
// make one per reader.
class ReadView {
 public:
  struct ScanOptions {
    std::string prefix;        // visit only keys that start with this
    std::string resume_after;  // if set, start strictly after (or before, reversed) this key
    bool reverse = false;      // visit in descending key order
  };
  // Return false to stop a scan early.
  using Visitor = absl::FunctionRef<bool(absl::string_view key, absl::string_view value)>;

  virtual ~ReadView() = default;

  // The value under `key`, or nullopt when absent. INTERNAL on a storage error.
  virtual absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                         absl::string_view key) const = 0;

  // Visits matching keys in order until `visit` returns false or keys run out.
  virtual absl::Status Scan(Family family, const ScanOptions& options, Visitor visit) const = 0;

  // The sequence of the last change committed in this view (0 for an empty store).
  virtual uint64_t sequence() const = 0;
};

}  // namespace psc::storage
