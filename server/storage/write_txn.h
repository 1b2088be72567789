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

class TxnBatch;

// The view a mutation gets inside the group committer: reads see the committed store plus the
// writes of the mutations committed before it in the same group, so checks and writes are
// atomic with respect to every other mutation. Only valid during the mutation call; used by the
// committer thread only.
class WriteTxn {
 public:
  // The sequence the next change-log entry of this mutation commits under (AddChange).
  uint64_t sequence() const { return sequence_ + changes_.size(); }

  absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key);
  // The first key that starts with `prefix`, or nullopt when there is none.
  absl::StatusOr<std::optional<std::string>> FirstKeyWithPrefix(Family family,
                                                                absl::string_view prefix);

  // Visits, in key order, every key with `prefix` as this mutation sees it (earlier writes of
  // the group included) until `visit` returns false.
  absl::Status Scan(Family family, absl::string_view prefix,
                    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit);

  // Writes to kRecords and kIndex need a change-log entry (AddChange); writes to kMeta alone
  // (server state such as secrets) commit without one and take no sequence.
  void Put(Family family, absl::string_view key, absl::string_view value);
  void Delete(Family family, absl::string_view key);

  // Adds the change-log entry for `sequence()`; the next takes the sequence after it. A
  // mutation that writes must add at least one (one per resource it changes, so that a
  // decision touching two resources commits them atomically under consecutive sequences); a
  // mutation that writes nothing commits nothing and takes no sequence.
  void AddChange(std::string serialized_entry);

 private:
  friend class GroupCommitter;
  WriteTxn(TxnBatch* batch, uint64_t sequence) : batch_(batch), sequence_(sequence) {}
  void NoteWrite(Family family);

  TxnBatch* batch_;
  uint64_t sequence_;
  bool wrote_logged_ = false;  // wrote to a family whose writes need a change entry
  bool wrote_any_ = false;
  std::vector<std::string> changes_;
};

}  // namespace psc::storage
