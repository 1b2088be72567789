#pragma once
// What the national report's figures share however they are counted: shares, and counts per
// enum value.

#include <cstdint>
#include <map>

#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "psc/registry/v1/workflow.pb.h"

namespace psc::registry {

// part / whole, 0 when whole is 0.
inline double Share(int64_t part, int64_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

// Adds a Count per value of enum E (unspecified left out), in declaration order, from
// `counts` (value number -> count).
template <typename E>
void AddCounts(const std::map<int, int64_t>& counts,
               google::protobuf::RepeatedPtrField<v1::Count>* out) {
  const auto* type = google::protobuf::GetEnumDescriptor<E>();
  for (int i = 1; i < type->value_count(); ++i) {
    v1::Count* c = out->Add();
    c->set_key(type->value(i)->name());
    auto it = counts.find(type->value(i)->number());
    c->set_count(it == counts.end() ? 0 : it->second);
  }
}

}  // namespace psc::registry
