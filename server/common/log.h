#pragma once

// Minimal structured logging to stderr (Debian's abseil predates absl/log).
// Thread-safe: each call writes one whole line, in order. Lines are written by a background
// thread in batches; an error line is written before Log returns (with everything before it),
// and whatever is queued at exit is written then.

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace psc {

enum class LogLevel { kInfo, kWarning, kError };

// text: "<UTC time> <LEVEL> <message>[ key=value...]"; json: one object a line, {"time": ...,
// "level": ..., "msg": ..., key: value...}, for log collectors.
enum class LogFormat { kText, kJson };

// Sets the format of every later line (text until called). Call before starting threads.
void SetLogFormat(LogFormat format);

// A named value on a log line, e.g. {"method", "GetInitiative"}.
using LogField = std::pair<absl::string_view, std::string>;

// Queues one line for stderr (an error: writes it, and what came before, at once).
void Log(LogLevel level, absl::string_view message, absl::Span<const LogField> fields = {});

// Writes every queued line now: before leaving without running atexit handlers (_exit, a
// signal's default action), or when a line must be out before something else happens.
void FlushLog();

inline void LogInfo(absl::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogWarning(absl::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogError(absl::string_view message) { Log(LogLevel::kError, message); }

}  // namespace psc
