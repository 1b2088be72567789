#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
  // The sequence this mutation's change-log entry commits under, if it writes.
  uint64_t sequence() const { return sequence_; }

  absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key);
  // The first key that starts with `prefix`, or nullopt when there is none.
  absl::StatusOr<std::optional<std::string>> FirstKeyWithPrefix(Family family,
                                                                absl::string_view prefix);

  // Writes to kRecords and kIndex need a change-log entry (SetChange); writes to kMeta alone
  // (server state such as secrets) commit without one and take no sequence.
  void Put(Family family, absl::string_view key, absl::string_view value);
  void Delete(Family family, absl::string_view key);

  // The change-log entry for `sequence()`. A mutation that writes must set it exactly once; a
  // mutation that writes nothing commits nothing and takes no sequence.
  void SetChange(std::string serialized_entry);

 private:
  friend class GroupCommitter;
  WriteTxn(TxnBatch* batch, uint64_t sequence) : batch_(batch), sequence_(sequence) {}
  void NoteWrite(Family family);

  TxnBatch* batch_;
  uint64_t sequence_;
  bool wrote_logged_ = false;  // wrote to a family whose writes need a change entry
  bool wrote_any_ = false;
  std::optional<std::string> change_;
};

}  // namespace psc::storage
