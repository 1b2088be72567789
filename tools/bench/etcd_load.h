#pragma once
// psc-load's etcd peer (tools/bench/all): Put and Range of the benchmark's generated records,
// as JSON, against etcd 3.4's KV service over the same mTLS as pscd.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "psc/client/options.h"

namespace psc::bench {

class EtcdLoad {
 public:
  // A channel to etcd at options.target with options' credentials. Thread-safe.
  static absl::StatusOr<std::unique_ptr<EtcdLoad>> Connect(const client::ClientOptions& options);
  virtual ~EtcdLoad() = default;

  // Puts generated record `n` as JSON under "records/{n}" (etcd fsyncs before answering).
  virtual absl::Status Put(int n) = 0;
  // Reads "records/{n}"; NOT_FOUND when it is not there.
  virtual absl::Status Range(int n) = 0;
};

}  // namespace psc::bench
