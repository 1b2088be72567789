#pragma once

// Parsing of List parameters: filter (an AIP-160 subset), order_by, page_size and page tokens.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/registry/kinds/record_kind.h"
#include "server/registry/records/record_layout.h"

namespace psc::registry {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
// Every page of every list (resources, changes, history) stops before the item that would take
// its serialized items past this many bytes, and continues with next_page_token (AIP-158 allows
// fewer items than page_size). A page always holds at least one item, and a record is at most
// the 1 MiB request limit, so a response stays under pscd's 4 MiB send limit.
inline constexpr size_t kPageByteBudget = 2 << 20;
inline constexpr size_t kMaxFilterLength = 2000;

// Parses `FIELD = VALUE [AND FIELD = VALUE]...` where VALUE is a double-quoted string (with \"
// and \\ escapes) or a bare word of [A-Za-z0-9_./-]. Fields must be in `fields`; enum values
// must name a value (case-insensitively, '-' for '_'), booleans be true or false;
// case-insensitive fields are lowercased.
// INVALID_ARGUMENT, reason INVALID_FILTER, on any error.
absl::StatusOr<std::vector<Term>> ParseFilter(absl::string_view filter,
                                              const std::vector<FilterField>& fields);

struct Ordering {
  SortOrder order = SortOrder::kName;
  bool descending = false;
};

// "", "name", "create_time", each optionally followed by " desc" or " asc".
// INVALID_ARGUMENT, reason INVALID_ORDER_BY, otherwise.
absl::StatusOr<Ordering> ParseOrderBy(absl::string_view order_by);

// 0 -> the default, above the maximum -> the maximum; negative -> INVALID_ARGUMENT,
// reason INVALID_PAGE_SIZE.
absl::StatusOr<int> EffectivePageSize(int page_size);

// Makes opaque page tokens that carry the last key a page returned, bound by an HMAC to the
// query (collection, filter, order) so that a tampered or foreign token is refused.
class PageTokens {
 public:
  explicit PageTokens(std::string secret) : secret_(std::move(secret)) {}

  std::string Encode(absl::string_view query, absl::string_view last_key) const;
  // The last key inside `token`; INVALID_ARGUMENT, reason INVALID_PAGE_TOKEN, when the token
  // was not made by Encode for `query` with this secret.
  absl::StatusOr<std::string> Decode(absl::string_view query, absl::string_view token) const;

 private:
  std::string Mac(absl::string_view query, absl::string_view last_key) const;

  std::string secret_;
};

}  // namespace psc::registry
