#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/storage/family.h"

namespace psc::storage {

// The view a mutation gets inside the group committer: reads see the committed store plus the
// writes of the mutations committed before it in the same group, so checks and writes are
// atomic with respect to every other mutation. Only valid during the mutation call; used by the
// committer thread only. Stores implement the reads and writes; the bookkeeping of change-log
// entries is shared here.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;

  // The sequence the next change-log entry of this mutation commits under (AddChange).
  uint64_t sequence() const { return first_sequence_ + changes_.size(); }

  virtual absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key) = 0;
  // The first key that starts with `prefix`, or nullopt when there is none.
  absl::StatusOr<std::optional<std::string>> FirstKeyWithPrefix(Family family,
                                                                absl::string_view prefix);

  // Visits, in key order, every key with `prefix` as this mutation sees it (earlier writes of
  // the group included) until `visit` returns false.
  virtual absl::Status Scan(
      Family family, absl::string_view prefix,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) = 0;

  // Writes to kRecords and kIndex need a change-log entry (AddChange); writes to kMeta alone
  // (server state such as secrets) commit without one and take no sequence.
  void Put(Family family, absl::string_view key, absl::string_view value);
  void Delete(Family family, absl::string_view key);

  // Adds the change-log entry for `sequence()`; the next takes the sequence after it. A
  // mutation that writes must add at least one (one per resource it changes, so that a
  // decision touching two resources commits them atomically under consecutive sequences); a
  // mutation that writes nothing commits nothing and takes no sequence.
  void AddChange(std::string serialized_entry) { changes_.push_back(std::move(serialized_entry)); }

  // For stores: what the mutation did.
  const std::vector<std::string>& changes() const { return changes_; }
  bool wrote_logged() const { return wrote_logged_; }  // wrote kRecords or kIndex
  bool wrote_any() const { return wrote_any_; }

 protected:
  explicit WriteTxn(uint64_t first_sequence) : first_sequence_(first_sequence) {}
  virtual void DoPut(Family family, absl::string_view key, absl::string_view value) = 0;
  virtual void DoDelete(Family family, absl::string_view key) = 0;

 private:
  void NoteWrite(Family family) {
    wrote_any_ = true;
    if (family != Family::kMeta) wrote_logged_ = true;
  }

  const uint64_t first_sequence_;
  bool wrote_logged_ = false;
  bool wrote_any_ = false;
  std::vector<std::string> changes_;
};

}  // namespace psc::storage
