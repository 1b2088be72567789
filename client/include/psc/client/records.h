#pragma once

#include "google/protobuf/message.h"
#include "psc/registry/v1/record.pb.h"

namespace psc::client {

// `resource` (a Collaborative, Initiative, CaseStudy, Expert or Resource) wrapped in the
// RegistryRecord member of its type, as `psc export` writes it and ListThenWatch delivers it.
// Any other message gives an empty record. Thread-safe.
registry::v1::RegistryRecord ToRegistryRecord(const google::protobuf::Message& resource);

}  // namespace psc::client
