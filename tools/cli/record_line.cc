#include "tools/cli/record_line.h"

#include <string>

#include "google/protobuf/util/json_util.h"

namespace psc::cli {

absl::StatusOr<registry::v1::RegistryRecord> ParseRecordLine(std::string_view text) {
  registry::v1::RegistryRecord record;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &record);
  if (!parsed.ok()) return absl::InvalidArgumentError(std::string(parsed.message()));
  if (RecordResource(record) == nullptr) return absl::InvalidArgumentError("no resource in it");
  return record;
}

const google::protobuf::Message* RecordResource(const registry::v1::RegistryRecord& record) {
  const auto* oneof = record.GetDescriptor()->FindOneofByName("kind");
  const auto* field = record.GetReflection()->GetOneofFieldDescriptor(record, oneof);
  return field == nullptr ? nullptr : &record.GetReflection()->GetMessage(record, field);
}

google::protobuf::Message* MutableRecordResource(registry::v1::RegistryRecord* record) {
  const auto* oneof = record->GetDescriptor()->FindOneofByName("kind");
  const auto* field = record->GetReflection()->GetOneofFieldDescriptor(*record, oneof);
  return field == nullptr ? nullptr : record->GetReflection()->MutableMessage(record, field);
}

}  // namespace psc::cli
