#pragma once
// Mutations and checks the storage tests share.

#include <string>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "server/common/errors.h"
#include "server/storage/store.h"

namespace psc::storage {

// A mutation that writes a record ("r/ID" = "record ID"), an index entry ("i/ID") and its
// change entry ("change ID").
inline Mutation WriteAll(const std::string& id) {
  return [id](WriteTxn& txn) {
    txn.Put(Family::kRecords, "r/" + id, "record " + id);
    txn.Put(Family::kIndex, "i/" + id, "");
    txn.AddChange("change " + id);
    return absl::OkStatus();
  };
}

// Whether `status` carries a google.rpc.RetryInfo.
inline bool HasRetryInfo(const absl::Status& status) {
  const google::rpc::Status rpc = ToRpcStatus(status);
  for (const auto& detail : rpc.details()) {
    if (detail.Is<google::rpc::RetryInfo>()) return true;
  }
  return false;
}

}  // namespace psc::storage
