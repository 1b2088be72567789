#pragma once
// Storage-internal: RocksDB's own log, into pscd's log instead of a LOG file in the data dir.
// A LOG file shares the data dir's disk: at ENOSPC its writer fails, and RocksDB's next log
// line (the error handler reporting that very error) trips an assertion in Debian's build of
// RocksDB. Warnings and errors go to pscd's log ("rocksdb: ..."); RocksDB's chatter is dropped.

#include <memory>

#include "rocksdb/env.h"

namespace psc::storage {

// Warnings and above to pscd's log.
std::shared_ptr<rocksdb::Logger> NewRocksLogger();

// Nothing at all (opening a backup read-only must not write a LOG file into it).
std::shared_ptr<rocksdb::Logger> NewDiscardingRocksLogger();

}  // namespace psc::storage
