#include "server/service/methods/standard_methods.h"

#include "google/protobuf/field_mask.pb.h"
#include "server/service/calls/unary_call.h"

namespace psc::service {
namespace {

using google::protobuf::FieldMask;
using google::protobuf::Message;

const google::protobuf::FieldDescriptor* FieldOf(const Message& m, int number) {
  return m.GetDescriptor()->FindFieldByNumber(number);
}
std::string StringAt(const Message& m, int number) {
  return m.GetReflection()->GetString(m, FieldOf(m, number));
}
const Message& MessageAt(const Message& m, int number) {
  return m.GetReflection()->GetMessage(m, FieldOf(m, number));
}

}  // namespace

grpc::ServerUnaryReactor* StandardMethods::Get(grpc::CallbackServerContext* context,
                                               const registry::RecordKind& kind,
                                               const Message& request, Message* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kRead, caller);
  auto result = registry_->Get(caller, kind, StringAt(request, 1));
  if (result.ok()) response->CopyFrom(**result);
  return FinishUnary(result.status());
}

grpc::ServerUnaryReactor* StandardMethods::List(grpc::CallbackServerContext* context,
                                                const registry::RecordKind& kind,
                                                const Message& request, Message* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  registry::ListParams params;
  params.page_size = request.GetReflection()->GetInt32(request, FieldOf(request, 1));
  params.page_token = StringAt(request, 2);
  params.filter = StringAt(request, 3);
  params.order_by = StringAt(request, 4);
  auto page = registry_->List(caller, kind, params);
  if (page.ok()) {
    const auto* reflection = response->GetReflection();
    for (registry::RecordPtr& r : page->resources) {
      reflection->AddAllocatedMessage(response, FieldOf(*response, 1), r.release());
    }
    reflection->SetString(response, FieldOf(*response, 2), page->next_page_token);
    reflection->SetUInt64(response, FieldOf(*response, 3), page->sequence);
  }
  return FinishUnary(page.status());
}

grpc::ServerUnaryReactor* StandardMethods::Create(grpc::CallbackServerContext* context,
                                                  const registry::RecordKind& kind,
                                                  const Message& request, Message* response,
                                                  WriteHook hook) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  registry::RecordPtr resource(kind.prototype().New());
  resource->CopyFrom(MessageAt(request, 1));
  registry::CreateParams params{StringAt(request, 2), StringAt(request, 3)};
  // AIP-163, for the kinds whose Create request has it.
  if (const auto* v = request.GetDescriptor()->FindFieldByName("validate_only")) {
    params.validate_only = request.GetReflection()->GetBool(request, v);
  }
  UnaryReactor* reactor = NewUnaryReactor();
  registry_->Create(caller, kind, std::move(resource), std::move(params),
                    FinishWhenWritten(reactor, response, std::move(hook)));
  return reactor;
}

grpc::ServerUnaryReactor* StandardMethods::Update(grpc::CallbackServerContext* context,
                                                  const registry::RecordKind& kind,
                                                  const Message& request, Message* response,
                                                  WriteHook hook) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  registry::RecordPtr patch(kind.prototype().New());
  patch->CopyFrom(MessageAt(request, 1));
  FieldMask mask;
  mask.CopyFrom(MessageAt(request, 2));
  UnaryReactor* reactor = NewUnaryReactor();
  registry_->Update(caller, kind, std::move(patch), std::move(mask), StringAt(request, 3),
                    FinishWhenWritten(reactor, response, std::move(hook)));
  return reactor;
}

grpc::ServerUnaryReactor* StandardMethods::Delete(grpc::CallbackServerContext* context,
                                                  const registry::RecordKind& kind,
                                                  const Message& request,
                                                  google::protobuf::Empty* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kWrite, caller);
  UnaryReactor* reactor = NewUnaryReactor();
  registry_->Delete(caller, kind, StringAt(request, 1), StringAt(request, 2),
                    [reactor](absl::Status s) { reactor->Finish(ToGrpcStatus(s)); });
  return reactor;
}

grpc::ServerUnaryReactor* StandardMethods::History(
    grpc::CallbackServerContext* context, const registry::v1::ListResourceHistoryRequest& request,
    registry::v1::ListResourceHistoryResponse* response) {
  PSC_ADMIT_OR_FINISH(*gate_, Cost::kExpensive, caller);
  auto page = registry_->History(caller, request.name(), request.page_size(), request.page_token());
  if (page.ok()) {
    for (auto& change : page->changes) *response->add_changes() = std::move(change);
    response->set_next_page_token(page->next_page_token);
  }
  return FinishUnary(page.status());
}

}  // namespace psc::service
