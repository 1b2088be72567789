#pragma once

// Minimal structured logging to stderr (Debian's abseil predates absl/log).
// Thread-safe: each call writes one whole line.

#include "absl/strings/string_view.h"

namespace psc {

enum class LogLevel { kInfo, kWarning, kError };

// Writes "<UTC time> <LEVEL> <message>\n" to stderr in a single write.
void Log(LogLevel level, absl::string_view message);

inline void LogInfo(absl::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogWarning(absl::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogError(absl::string_view message) { Log(LogLevel::kError, message); }

}  // namespace psc
