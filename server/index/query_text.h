#pragma once
// Query text as users type it, made safe for Xapian 1.4's query parser.

#include <string>
#include <string_view>

namespace psc::index {

// `text` with every NEAR and ADJ operator (alone or as NEAR/n, ADJ/n) lowercased, so that
// Xapian reads it as an ordinary word. Why: Xapian 1.4's parser leaks the operator's memory
// when one has no left operand ("a AND NEAR/3 b", found by tests/fuzz/search_query_fuzzer), a
// leak any caller could repeat at will. Proximity operators are not part of the documented
// query syntax (docs/api.md: "Search").
std::string WithoutProximityOperators(std::string_view text);

}  // namespace psc::index
