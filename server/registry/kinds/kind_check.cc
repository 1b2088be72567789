#include "server/registry/kinds/kind_check.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "psc/registry/v1/change.pb.h"
#include "psc/registry/v1/expert.pb.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/record.pb.h"
#include "server/common/status_macros.h"
#include "server/registry/kinds/kind_table.h"

namespace psc::registry {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::OneofDescriptor;

absl::Status Broken(const RecordKind& kind, absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat("kind table: ", kind.collection(), ": ", what));
}

// The first dotted part of a field path, which must be a field of `type`.
absl::Status CheckFieldNames(const RecordKind& kind, const std::vector<std::string>& fields,
                             absl::string_view role) {
  const Descriptor* type = kind.prototype().GetDescriptor();
  for (const std::string& path : fields) {
    const std::string top = path.substr(0, path.find('.'));
    if (type->FindFieldByName(top) == nullptr) {
      return Broken(kind, absl::StrCat(role, " names \"", path, "\", which ", type->full_name(),
                                       " does not have"));
    }
  }
  return absl::OkStatus();
}

bool IsFilterField(const RecordKind& kind, const std::string& field) {
  for (const FilterField& f : kind.filter_fields()) {
    if (f.name == field) return true;
  }
  return false;
}

// `member` must be a field of `oneof` whose message type is the kind's.
absl::Status CheckOneofMember(const RecordKind& kind, const OneofDescriptor* oneof,
                              const std::string& member, std::set<const FieldDescriptor*>* used) {
  const FieldDescriptor* field = oneof->containing_type()->FindFieldByName(member);
  if (field == nullptr || field->containing_oneof() != oneof) {
    return Broken(kind, absl::StrCat("\"", member, "\" is not a member of ", oneof->full_name()));
  }
  if (field->message_type() != kind.prototype().GetDescriptor()) {
    return Broken(kind, absl::StrCat(oneof->full_name(), ".", member, " is not a ",
                                     kind.prototype().GetDescriptor()->full_name()));
  }
  if (!used->insert(field).second) {
    return Broken(kind, absl::StrCat(oneof->full_name(), ".", member, " is claimed twice"));
  }
  return absl::OkStatus();
}

// Every member of `oneof` must belong to a kind.
absl::Status CheckAllClaimed(const OneofDescriptor* oneof,
                             const std::set<const FieldDescriptor*>& used) {
  for (int i = 0; i < oneof->field_count(); ++i) {
    if (!used.contains(oneof->field(i))) {
      return absl::FailedPreconditionError(absl::StrCat(
          "kind table: ", oneof->containing_type()->full_name(), ".", oneof->field(i)->name(),
          " (oneof ", oneof->name(),
          ") belongs to no kind: add the kind to server/registry/kinds/kind_table.cc"));
    }
  }
  return absl::OkStatus();
}

// OK when `path` (fields joined by '.') leads from `type` to a field of the filter's type: a
// string for a name or case-insensitive filter, the filter's enum, or a bool.
absl::Status CheckFilterSource(const RecordKind& kind, const FilterField& filter,
                               const std::string& path) {
  const Descriptor* type = kind.prototype().GetDescriptor();
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    field = type == nullptr ? nullptr : type->FindFieldByName(std::string(part));
    if (field == nullptr) break;  // no such field, or a path through a scalar
    type = field->message_type();
  }
  const bool fits =
      field != nullptr && (filter.enum_type != nullptr ? field->enum_type() == filter.enum_type
                           : filter.boolean ? field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL
                                            : field->cpp_type() == FieldDescriptor::CPPTYPE_STRING);
  if (fits) return absl::OkStatus();
  return Broken(kind, absl::StrCat("filter \"", filter.name, "\" reads \"", path,
                                   "\", which is no field of its type"));
}

absl::Status CheckFilterSources(const RecordKind& kind) {
  for (const FilterField& filter : kind.spec().filters) {
    if (filter.computed) continue;
    if (filter.sources.empty()) PSC_RETURN_IF_ERROR(CheckFilterSource(kind, filter, filter.name));
    for (const std::string& source : filter.sources) {
      if (source != kParentSource) {
        PSC_RETURN_IF_ERROR(CheckFilterSource(kind, filter, source));
      } else if (kind.spec().parent.empty()) {
        return Broken(kind, absl::StrCat("filter \"", filter.name,
                                         "\" reads the parent's name, but the kind has no parent"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckKind(const RecordKind& kind) {
  const KindSpec& spec = kind.spec();
  const Descriptor* type = kind.prototype().GetDescriptor();
  for (const char* server_owned : {"name", "etag", "create_time", "update_time"}) {
    if (type->FindFieldByName(server_owned) == nullptr) {
      return Broken(kind, absl::StrCat(type->full_name(), " has no ", server_owned));
    }
  }
  if (spec.singular.empty() || spec.change_field.empty()) {
    return Broken(kind, "singular and change_field are required");
  }
  if (!spec.owner_field.empty()) {
    PSC_RETURN_IF_ERROR(CheckFieldNames(kind, {spec.owner_field}, "owner_field"));
  }
  PSC_RETURN_IF_ERROR(CheckFieldNames(kind, spec.participant_fields, "participant_fields"));
  PSC_RETURN_IF_ERROR(CheckFieldNames(kind, spec.personal_fields, "personal_fields"));
  PSC_RETURN_IF_ERROR(CheckFieldNames(kind, spec.derived_fields, "derived_fields"));
  PSC_RETURN_IF_ERROR(CheckFilterSources(kind));
  if (spec.atlas_reads) {
    for (const Term& term : *spec.atlas_reads) {
      if (!IsFilterField(kind, term.field)) {
        return Broken(kind, absl::StrCat("atlas_reads needs \"", term.field,
                                         "\", which is not one of its List filters"));
      }
    }
  }
  for (const auto& [list_field, search_field] : spec.search_renames) {
    if (!IsFilterField(kind, list_field)) {
      return Broken(kind, absl::StrCat("search_renames names \"", list_field,
                                       "\", which is not one of its List filters"));
    }
  }
  for (SearchInput input : spec.search_inputs) {
    const Descriptor* needs =
        input == SearchInput::kFreeDays ? v1::Expert::descriptor() : v1::Initiative::descriptor();
    if (!spec.searchable || kind.prototype().GetDescriptor() != needs) {
      return Broken(kind, absl::StrCat("search_inputs: a searchable ", needs->name(),
                                       " kind's input, on another kind"));
    }
  }
  if (spec.reindex_parent && spec.parent.empty()) {
    return Broken(kind, "reindex_parent needs a parent collection");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckKinds(const std::vector<const RecordKind*>& kinds) {
  const OneofDescriptor* changes = v1::ChangeEvent::descriptor()->FindOneofByName("after");
  const OneofDescriptor* records = v1::RegistryRecord::descriptor()->FindOneofByName("kind");
  std::set<std::string> collections;
  std::set<const FieldDescriptor*> used_changes, used_records;
  for (const RecordKind* kind : kinds) {
    if (!collections.insert(std::string(kind->collection())).second) {
      return Broken(*kind, "the collection is in the table twice");
    }
    PSC_RETURN_IF_ERROR(CheckKind(*kind));
    PSC_RETURN_IF_ERROR(CheckOneofMember(*kind, changes, kind->spec().change_field, &used_changes));
    if (!kind->spec().record_field.empty()) {
      PSC_RETURN_IF_ERROR(
          CheckOneofMember(*kind, records, kind->spec().record_field, &used_records));
    }
  }
  PSC_RETURN_IF_ERROR(CheckAllClaimed(changes, used_changes));
  return CheckAllClaimed(records, used_records);
}

absl::Status CheckKindTable() { return CheckKinds(EveryKind()); }

}  // namespace psc::registry
