#include "psc/client/records.h"

namespace psc::client {

registry::v1::RegistryRecord ToRegistryRecord(const google::protobuf::Message& resource) {
  registry::v1::RegistryRecord record;
  const auto* oneof = record.GetDescriptor()->FindOneofByName("kind");
  for (int i = 0; i < oneof->field_count(); ++i) {
    if (oneof->field(i)->message_type() == resource.GetDescriptor()) {
      record.GetReflection()->MutableMessage(&record, oneof->field(i))->CopyFrom(resource);
    }
  }
  return record;
}

}  // namespace psc::client
