#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace psc::registry {

// Whether `id` is an RFC-1034 label: 1..63 of [a-z0-9-], starting with a letter, not ending
// with '-'.
bool IsValidId(absl::string_view id);

// A random valid id of 12 characters.
std::string RandomId();

// "collection/id".
std::string ResourceName(absl::string_view collection, absl::string_view id);

// The id of `name` if it is `collection/{valid id}`, else INVALID_ARGUMENT reason
// INVALID_NAME naming `field`.
absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view collection,
                                      absl::string_view field);

// Whether `name` is `collection/{valid id}`.
bool IsNameIn(absl::string_view name, absl::string_view collection);

// The storage id "{parent id}/{id}" of a child resource `parent/{id}/child/{id}`, else
// INVALID_ARGUMENT reason INVALID_NAME naming `field`.
absl::StatusOr<std::string> ParseChildName(absl::string_view name, absl::string_view parent,
                                           absl::string_view child, absl::string_view field);

// "initiatives/x" for "initiatives/x/joinRequests/y"; "" for a name that is not a child's.
std::string ParentName(absl::string_view child_name);

}  // namespace psc::registry
