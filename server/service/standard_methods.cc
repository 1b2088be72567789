#include "server/service/standard_methods.h"

#include "google/protobuf/field_mask.pb.h"
#include "server/service/caller.h"
#include "server/service/grpc_status.h"

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

grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, const absl::Status& s) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(s));
  return reactor;
}

// A callback that copies the written resource into `response` and finishes the call.
registry::ResourceCallback FinishWith(grpc::ServerUnaryReactor* reactor, Message* response) {
  return [reactor, response](absl::StatusOr<registry::ResourcePtr> result) {
    if (result.ok()) response->CopyFrom(**result);
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

}  // namespace

grpc::ServerUnaryReactor* StandardMethods::Get(grpc::CallbackServerContext* context,
                                               const registry::ResourceKind& kind,
                                               const Message& request, Message* response) {
  auto result = registry_->Get(kind, StringAt(request, 1));
  if (result.ok()) response->CopyFrom(**result);
  return Finish(context, result.status());
}

grpc::ServerUnaryReactor* StandardMethods::List(grpc::CallbackServerContext* context,
                                                const registry::ResourceKind& kind,
                                                const Message& request, Message* response) {
  registry::ListParams params;
  params.page_size = request.GetReflection()->GetInt32(request, FieldOf(request, 1));
  params.page_token = StringAt(request, 2);
  params.filter = StringAt(request, 3);
  params.order_by = StringAt(request, 4);
  auto page = registry_->List(kind, params);
  if (page.ok()) {
    const auto* reflection = response->GetReflection();
    for (registry::ResourcePtr& r : page->resources) {
      reflection->AddAllocatedMessage(response, FieldOf(*response, 1), r.release());
    }
    reflection->SetString(response, FieldOf(*response, 2), page->next_page_token);
    reflection->SetUInt64(response, FieldOf(*response, 3), page->sequence);
  }
  return Finish(context, page.status());
}

grpc::ServerUnaryReactor* StandardMethods::Create(grpc::CallbackServerContext* context,
                                                  const registry::ResourceKind& kind,
                                                  const Message& request, Message* response) {
  registry::ResourcePtr resource(kind.prototype().New());
  resource->CopyFrom(MessageAt(request, 1));
  registry::CreateParams params{StringAt(request, 2), StringAt(request, 3)};
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  registry_->Create(kind, std::move(resource), std::move(params), CallerIdentity(*context),
                    FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* StandardMethods::Update(grpc::CallbackServerContext* context,
                                                  const registry::ResourceKind& kind,
                                                  const Message& request, Message* response) {
  registry::ResourcePtr patch(kind.prototype().New());
  patch->CopyFrom(MessageAt(request, 1));
  FieldMask mask;
  mask.CopyFrom(MessageAt(request, 2));
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  registry_->Update(kind, std::move(patch), std::move(mask), StringAt(request, 3),
                    CallerIdentity(*context), FinishWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* StandardMethods::Delete(grpc::CallbackServerContext* context,
                                                  const registry::ResourceKind& kind,
                                                  const Message& request,
                                                  google::protobuf::Empty* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  registry_->Delete(kind, StringAt(request, 1), StringAt(request, 2), CallerIdentity(*context),
                    [reactor](absl::Status s) { reactor->Finish(ToGrpcStatus(s)); });
  return reactor;
}

}  // namespace psc::service
