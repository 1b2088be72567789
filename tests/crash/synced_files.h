#pragma once
// For crashtest --power-loss: what a power cut leaves of the files pscd's own code (not RocksDB)
// writes with POSIX calls: the Atlas sync's cursor and outbox, backups' sequence files. This
// executable defines fsync, fdatasync, syncfs and rename (they replace libc's for the whole
// process, which is why this is never part of a library) and, under the roots it tracks, keeps
// each file's durable view: its content at its last fsync (or syncfs), under the names its
// directory had when last fsynced. A rename or a new file is durable only once its directory is
// fsynced; written bytes only once the file is; a deletion at once (unlink is not followed).

#include <map>
#include <string>

#include "absl/status/status.h"

namespace psc::testing::synced_files {

// Path -> the content that would survive a power cut.
using DurableView = std::map<std::string, std::string>;

// Starts tracking the files under `root` (an absolute, normal path), taking what is there now as
// durable: call it once the files are as a disk would hold them after a restart.
void Track(const std::string& root);

// The durable view of `root`'s files now: what a power cut at this instant would leave.
DurableView DurableNow(const std::string& root);

// Replaces `root`'s files with `view` (what a power cut left) and tracks them from there.
absl::Status Restore(const std::string& root, const DurableView& view);

}  // namespace psc::testing::synced_files
