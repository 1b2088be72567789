#include "server/registry/records/update_mask.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/field_mask_util.h"
#include "server/common/errors.h"
#include "server/common/utf8.h"
#include "server/registry/fields/resource_fields.h"

namespace psc::registry {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::FieldMask;
using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;

constexpr int kMaxPaths = 100;

absl::Status MaskError(const std::string& path, absl::string_view why) {
  return ArgumentError("update_mask", "INVALID_UPDATE_MASK",
                       absl::StrCat("\"", CharacterPrefix(path, 200), "\" ", why));
}

}  // namespace

absl::StatusOr<FieldMask> ResolveUpdateMask(const RecordKind& kind, const Message& patch,
                                            const FieldMask& mask) {
  const std::vector<std::string> output_only = OutputOnlyFields(kind.derived_fields());
  auto is_output_only = [&](absl::string_view top) {
    return std::find(output_only.begin(), output_only.end(), top) != output_only.end();
  };
  FieldMask resolved;
  if (mask.paths().empty() || (mask.paths_size() == 1 && mask.paths(0) == "*")) {
    bool all = !mask.paths().empty();
    const auto* descriptor = patch.GetDescriptor();
    std::vector<const FieldDescriptor*> set_fields;
    patch.GetReflection()->ListFields(patch, &set_fields);
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* f = descriptor->field(i);
      if (is_output_only(f->name())) continue;
      if (all || std::find(set_fields.begin(), set_fields.end(), f) != set_fields.end()) {
        resolved.add_paths(f->name());
      }
    }
    if (resolved.paths().empty()) return MaskError("", "selects no writable field");
    return resolved;
  }
  if (mask.paths_size() > kMaxPaths) return MaskError("", "has too many paths");
  for (const std::string& path : mask.paths()) {
    if (!FieldMaskUtil::GetFieldDescriptors(patch.GetDescriptor(), path, nullptr)) {
      return MaskError(path, absl::StrCat("is not a field of ", patch.GetDescriptor()->name()));
    }
    std::string top = path.substr(0, path.find('.'));
    if (is_output_only(top)) return MaskError(path, "is output only");
    resolved.add_paths(path);
  }
  return resolved;
}

void ApplyUpdateMask(const Message& patch, const FieldMask& mask, Message* target) {
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, mask, options, target);
}

}  // namespace psc::registry
