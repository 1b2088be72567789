#pragma once
// No exception ends a thread of pscd: code run on a long-lived thread (the committer, the
// indexer, the trimmer, the watch hub, work queues) goes through CatchExceptions, which turns
// anything thrown into an INTERNAL status for the one call it belongs to and logs the cause.

#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/common/log.h"

namespace psc {

// Runs `f` (returning absl::Status). An exception becomes INTERNAL ("`what` failed; the cause is
// in the server log"), and the log line says what was thrown.
template <typename F>
absl::Status CatchExceptions(absl::string_view what, F&& f) noexcept {
  try {
    return std::forward<F>(f)();
  } catch (const std::exception& e) {
    LogError(absl::StrCat(what, " threw: ", e.what()));
  } catch (...) {
    LogError(absl::StrCat(what, " threw a non-standard exception"));
  }
  return absl::InternalError(absl::StrCat(what, " failed; the cause is in the server log"));
}

}  // namespace psc
