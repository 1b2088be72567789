#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace psc {

// The text of the PEM file at `path` (a certificate or a key), named in errors as `what` (its
// flag, e.g. "--tls-cert"). INVALID_ARGUMENT when `path` is empty, cannot be read, or holds no
// PEM block.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view what);

}  // namespace psc
