#pragma once
// Generates varied, plausible registry records for benchmarks: initiatives, case studies,
// experts and resources spread over 15 generated collaboratives, with titles and summaries
// drawn from a patient-safety vocabulary so that searches have realistic selectivity.

#include <string>
#include <vector>

#include "psc/registry/v1/record.pb.h"

namespace psc::bench {

// The 15 collaboratives every generated record belongs to (ids gen-psc-0 .. gen-psc-14).
std::vector<registry::v1::Collaborative> GeneratedCollaboratives();

// Record number `n` (deterministic): 50% initiatives, 20% case studies, 20% experts,
// 10% resources, each owned by one of the generated collaboratives.
registry::v1::RegistryRecord GenerateRecord(int n);

// The initiative GenerateRecord(n) gives when record n is one, whatever n is.
registry::v1::Initiative GenerateInitiative(int n);

// The queries the search benchmark cycles through, from one word to phrases and filters.
struct BenchQuery {
  std::string text;
  std::string kind;  // "" for every kind
};
const std::vector<BenchQuery>& BenchQueries();

// The one-word queries of the peer comparison (tools/bench/all): every single-word subject and
// action of the vocabulary, each in roughly 5 to 15% of the records.
std::vector<std::string> BenchTerms();

}  // namespace psc::bench
