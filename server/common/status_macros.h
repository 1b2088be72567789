#pragma once

// Early-return helpers for absl::Status / absl::StatusOr (Debian's abseil 20220623 has none).

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PSC_STATUS_CONCAT_INNER_(a, b) a##b
#define PSC_STATUS_CONCAT_(a, b) PSC_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define PSC_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status psc_status_ = (expr);       \
    if (!psc_status_.ok()) return psc_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else moves the value
// into `lhs`, which may be a declaration: PSC_ASSIGN_OR_RETURN(auto x, Make());
#define PSC_ASSIGN_OR_RETURN(lhs, rexpr) \
  PSC_ASSIGN_OR_RETURN_IMPL_(PSC_STATUS_CONCAT_(psc_statusor_, __LINE__), lhs, rexpr)

#define PSC_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)   \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)
