#include "server/service/methods/method_layout.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "psc/registry/v1/registry_service.pb.h"
#include "server/common/status_macros.h"
#include "server/registry/kinds/kind_table.h"

namespace psc::service {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

// One field the handlers read: its number, type, and (for messages) its message type.
struct FieldLayout {
  int number;
  FieldDescriptor::Type type;
  const Descriptor* message = nullptr;  // nullptr: any (or not a message)
  bool repeated = false;
};

absl::Status Mismatch(const MethodDescriptor& method, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("registry_service.proto: ", method.full_name(), ": ", what,
                   " (server/service/methods/standard_methods.h gives the layout)"));
}

absl::Status CheckFields(const MethodDescriptor& method, const Descriptor& message,
                         const std::vector<FieldLayout>& fields) {
  for (const FieldLayout& want : fields) {
    const FieldDescriptor* have = message.FindFieldByNumber(want.number);
    if (have == nullptr || have->type() != want.type || have->is_repeated() != want.repeated ||
        (want.message != nullptr && have->message_type() != want.message)) {
      return Mismatch(method, absl::StrCat(message.name(), " field ", want.number,
                                           " is not what the generic handler reads"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const MethodDescriptor*> FindMethod(const std::string& name,
                                                   const registry::RecordKind& kind) {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "psc.registry.v1.Registry");
  const MethodDescriptor* method = service == nullptr ? nullptr : service->FindMethodByName(name);
  if (method == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("registry_service.proto: psc.registry.v1.Registry has no ", name,
                     " for the kind ", kind.collection()));
  }
  return method;
}

}  // namespace

absl::Status CheckStandardMethodLayout(const registry::RecordKind& kind) {
  using F = FieldDescriptor;
  const Descriptor* type = kind.prototype().GetDescriptor();
  const std::string singular = type->name();
  std::string plural(kind.collection());
  plural[0] = absl::ascii_toupper(plural[0]);
  const Descriptor* mask =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          "google.protobuf.FieldMask");

  struct Expected {
    std::string name;
    std::vector<FieldLayout> request;
    std::vector<FieldLayout> response;  // empty: the response is the resource (or Empty)
  };
  const std::vector<Expected> methods = {
      {"Get" + singular, {{1, F::TYPE_STRING}}, {}},
      {"List" + plural,
       {{1, F::TYPE_INT32}, {2, F::TYPE_STRING}, {3, F::TYPE_STRING}, {4, F::TYPE_STRING}},
       {{1, F::TYPE_MESSAGE, type, true}, {2, F::TYPE_STRING}, {3, F::TYPE_UINT64}}},
      {"Create" + singular,
       {{1, F::TYPE_MESSAGE, type}, {2, F::TYPE_STRING}, {3, F::TYPE_STRING}},
       {}},
      {"Update" + singular,
       {{1, F::TYPE_MESSAGE, type}, {2, F::TYPE_MESSAGE, mask}, {3, F::TYPE_STRING}},
       {}},
      {"Delete" + singular, {{1, F::TYPE_STRING}, {2, F::TYPE_STRING}}, {}},
  };
  for (const Expected& expected : methods) {
    PSC_ASSIGN_OR_RETURN(const MethodDescriptor* method, FindMethod(expected.name, kind));
    PSC_RETURN_IF_ERROR(CheckFields(*method, *method->input_type(), expected.request));
    if (!expected.response.empty()) {
      PSC_RETURN_IF_ERROR(CheckFields(*method, *method->output_type(), expected.response));
    } else if (expected.name.rfind("Delete", 0) != 0 && method->output_type() != type) {
      return Mismatch(*method, absl::StrCat("returns ", method->output_type()->full_name(),
                                            ", not ", type->full_name()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStandardMethodLayouts() {
  for (const registry::RecordKind* kind : registry::AllKinds()) {
    PSC_RETURN_IF_ERROR(CheckStandardMethodLayout(*kind));
  }
  return absl::OkStatus();
}

}  // namespace psc::service
