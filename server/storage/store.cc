// What every Store and WriteTxn shares, whatever keeps the data.

#include "server/storage/store.h"

#include <future>

namespace psc::storage {

absl::StatusOr<uint64_t> Store::CommitAndWait(Mutation mutation) {
  std::promise<absl::StatusOr<uint64_t>> promise;
  auto future = promise.get_future();
  Commit(std::move(mutation),
         [&promise](absl::StatusOr<uint64_t> result) { promise.set_value(std::move(result)); });
  return future.get();
}

absl::StatusOr<std::optional<std::string>> WriteTxn::FirstKeyWithPrefix(Family family,
                                                                        absl::string_view prefix) {
  std::optional<std::string> first;
  absl::Status status = Scan(family, prefix, [&](absl::string_view key, absl::string_view) {
    first = std::string(key);
    return false;
  });
  if (!status.ok()) return status;
  return first;
}

void WriteTxn::Put(Family family, absl::string_view key, absl::string_view value) {
  DoPut(family, key, value);
  NoteWrite(family);
}

void WriteTxn::Delete(Family family, absl::string_view key) {
  DoDelete(family, key);
  NoteWrite(family);
}

}  // namespace psc::storage
