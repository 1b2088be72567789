#pragma once

#include <cstdint>
#include <string>

namespace psc {

// The free space (for unprivileged writers) of the filesystem holding `path`; 0 when it cannot
// be told.
uint64_t FreeBytes(const std::string& path);

}  // namespace psc
