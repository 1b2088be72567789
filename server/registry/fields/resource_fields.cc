#include "server/registry/fields/resource_fields.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"

namespace psc::registry {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const FieldDescriptor* Field(const Message& m, const char* name) {
  return m.GetDescriptor()->FindFieldByName(name);
}

void SetTimestamp(Message* m, const char* field, absl::Time t) {
  auto* ts = static_cast<google::protobuf::Timestamp*>(
      m->GetReflection()->MutableMessage(m, Field(*m, field)));
  int64_t micros = absl::ToUnixMicros(t);
  ts->set_seconds(micros / 1000000);
  ts->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

}  // namespace

std::string GetName(const Message& m) { return m.GetReflection()->GetString(m, Field(m, "name")); }

void SetName(Message* m, const std::string& name) {
  m->GetReflection()->SetString(m, Field(*m, "name"), name);
}

std::string GetEtag(const Message& m) { return m.GetReflection()->GetString(m, Field(m, "etag")); }

int64_t CreateTimeMicros(const Message& m) {
  const FieldDescriptor* f = Field(m, "create_time");
  if (!m.GetReflection()->HasField(m, f)) return 0;
  const auto& ts =
      static_cast<const google::protobuf::Timestamp&>(m.GetReflection()->GetMessage(m, f));
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

void Stamp(Message* m, absl::Time now, uint64_t sequence, bool created) {
  if (created) SetTimestamp(m, "create_time", now);
  SetTimestamp(m, "update_time", now);
  m->GetReflection()->SetString(m, Field(*m, "etag"), absl::StrCat(sequence));
}

std::vector<std::string> OutputOnlyFields(const std::vector<std::string>& derived) {
  std::vector<std::string> fields{"name", "create_time", "update_time", "etag"};
  fields.insert(fields.end(), derived.begin(), derived.end());
  return fields;
}

void ClearFields(Message* m, const std::vector<std::string>& fields) {
  for (const std::string& name : fields) {
    const FieldDescriptor* f = m->GetDescriptor()->FindFieldByName(name);
    if (f != nullptr) m->GetReflection()->ClearField(m, f);
  }
}

}  // namespace psc::registry
