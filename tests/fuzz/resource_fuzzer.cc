// libFuzzer target: every kind's resource as a caller sends it (protobuf bytes): validation,
// List terms, references, search content, the update mask against it, and a JSON round trip (the
// import and export format). The first byte picks the kind.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/records/update_mask.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& kinds = psc::registry::EveryKind();
  const psc::registry::RecordKind& kind = *kinds[data[0] % kinds.size()];
  std::unique_ptr<google::protobuf::Message> resource(kind.prototype().New());
  if (!resource->ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  std::vector<psc::FieldViolation> violations;
  kind.Validate(*resource, &violations);
  (void)kind.IndexTerms(*resource);
  (void)kind.References(*resource);
  google::protobuf::FieldMask all;
  all.add_paths("*");
  (void)psc::registry::ResolveUpdateMask(kind, *resource, all);
  (void)psc::registry::ResolveUpdateMask(kind, *resource, google::protobuf::FieldMask());
  std::string json;
  if (google::protobuf::util::MessageToJsonString(*resource, &json).ok()) {
    std::unique_ptr<google::protobuf::Message> back(kind.prototype().New());
    (void)google::protobuf::util::JsonStringToMessage(json, back.get());
  }
  return 0;
}
