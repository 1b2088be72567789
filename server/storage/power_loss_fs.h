#pragma once
// For crash tests only (tools/crashtest --power-loss): a RocksDB file system that knows, for
// every file RocksDB wrote through it, how much of it was synced and whether its directory entry
// was, so that it can say what a disk would hold had the power been lost at any instant. The
// model is RocksDB's own FaultInjectionTestFS's: a file keeps only the bytes up to its last
// Sync/Fsync, and a file created since its directory's last fsync is gone. Renames and deletions
// count as durable at once (RocksDB fsyncs the directory after each one that matters).
// Not linked into pscd: the psc_power_loss library is for the crash test alone.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace rocksdb {
class Env;
}

namespace psc::storage {

class PowerLossFileSystem {
 public:
  virtual ~PowerLossFileSystem() = default;
  // A file system over the real one (the machine's), with nothing written through it yet.
  static std::unique_ptr<PowerLossFileSystem> Create();

  // The Env to open the store with (StoreOptions::env). Lives as long as this object.
  virtual rocksdb::Env* env() = 0;

  // Writes into each `image_dir` (created, must not exist) what the files under its `dir` would be
  // after losing power now: each file written through this file system cut to its synced
  // length, or absent when its directory entry was never synced; every other file (written
  // before, so durable; or not RocksDB's, which the caller images its own way) hard-linked as
  // it is. Ops through the file system wait while it runs, so the image is one instant.
  // Each {dir, image_dir} pair in turn, all at the one instant.
  virtual absl::Status CaptureDurable(
      const std::vector<std::pair<std::string, std::string>>& dirs) = 0;

  // Forgets what it knew of every file: after the data dir was replaced by an image, all of it
  // is durable.
  virtual void Reset() = 0;
};

}  // namespace psc::storage
