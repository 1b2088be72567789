#include "tools/cli/request_transfer.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "psc/registry/v1/record.pb.h"
#include "tools/cli/output.h"

namespace psc::cli {
namespace {

namespace v1 = registry::v1;

// `name` up to its last two segments: `initiatives/a/joinRequests/b` -> `initiatives/a`.
std::string ParentOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  const size_t before = slash == std::string::npos ? slash : name.rfind('/', slash - 1);
  return before == std::string::npos ? "" : name.substr(0, before);
}

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

// Equal but for the server's times and etag.
template <typename T>
bool SameRecord(T a, T b) {
  for (T* r : {&a, &b}) {
    r->clear_create_time();
    r->clear_update_time();
    r->clear_etag();
  }
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

absl::Status Differs(const std::string& name) {
  return absl::FailedPreconditionError(
      absl::StrCat(name, " is there with other fields (REQUEST_DIFFERS): an import never ",
                   "changes a request; its workflow does"));
}

// Calls `each` with every request under `parent`, page by page, through `list` (a client
// method) and `items` (the response's requests).
template <typename Request, typename Response, typename Items, typename Each>
absl::Status ListAll(const std::string& parent,
                     absl::StatusOr<Response> (client::RegistryClient::*list)(const Request&),
                     client::RegistryClient& client, Items items, Each each) {
  Request request;
  request.set_parent(parent);
  request.set_page_size(1000);
  do {
    auto page = (client.*list)(request);
    if (!page.ok()) return page.status();
    for (const auto& item : items(*page)) each(item);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

}  // namespace

template <>
struct RequestTraits<v1::JoinRequest> {
  using ListRequest = v1::ListJoinRequestsRequest;
  using CreateRequest = v1::CreateJoinRequestRequest;
  static constexpr auto kList = &client::RegistryClient::ListJoinRequests;
  static const auto& Items(const v1::ListJoinRequestsResponse& r) { return r.join_requests(); }
  static constexpr auto kCreate = static_cast<absl::StatusOr<v1::JoinRequest> (
      client::RegistryClient::*)(const CreateRequest&)>(&client::RegistryClient::CreateJoinRequest);
  static void Fill(const v1::JoinRequest& r, const std::string& id, CreateRequest* create) {
    *create->mutable_join_request() = r;
    create->set_join_request_id(id);
  }
};

template <>
struct RequestTraits<v1::SharingRequest> {
  using ListRequest = v1::ListSharingRequestsRequest;
  using CreateRequest = v1::CreateSharingRequestRequest;
  static constexpr auto kList = &client::RegistryClient::ListSharingRequests;
  static const auto& Items(const v1::ListSharingRequestsResponse& r) {
    return r.sharing_requests();
  }
  static constexpr auto kCreate =
      static_cast<absl::StatusOr<v1::SharingRequest> (client::RegistryClient::*)(
          const CreateRequest&)>(&client::RegistryClient::CreateSharingRequest);
  static void Fill(const v1::SharingRequest& r, const std::string& id, CreateRequest* create) {
    *create->mutable_sharing_request() = r;
    create->set_sharing_request_id(id);
  }
};

absl::Status ExportRequests(client::RegistryClient& client, std::ostream& out,
                            std::ostream& progress) {
  size_t joins = 0;
  absl::Status s = ListAll("initiatives/-", &client::RegistryClient::ListJoinRequests, client,
                           RequestTraits<v1::JoinRequest>::Items, [&](const v1::JoinRequest& r) {
                             v1::RegistryRecord record;
                             *record.mutable_join_request() = r;
                             out << ToJsonLine(record) << "\n";
                             ++joins;
                           });
  if (!s.ok()) return s;
  progress << "exported " << joins << " join requests\n";
  size_t sharings = 0;
  s = ListAll("experts/-", &client::RegistryClient::ListSharingRequests, client,
              RequestTraits<v1::SharingRequest>::Items, [&](const v1::SharingRequest& r) {
                v1::RegistryRecord record;
                *record.mutable_sharing_request() = r;
                out << ToJsonLine(record) << "\n";
                ++sharings;
              });
  if (!s.ok()) return s;
  progress << "exported " << sharings << " sharing requests\n";
  return absl::OkStatus();
}

absl::StatusOr<ImportOutcome> RequestImporter::Import(const v1::JoinRequest& request) {
  return ImportInto(request, joins_[ParentOf(request.name())]);
}

absl::StatusOr<ImportOutcome> RequestImporter::Import(const v1::SharingRequest& request) {
  return ImportInto(request, sharings_[ParentOf(request.name())]);
}

template <typename T>
absl::StatusOr<ImportOutcome> RequestImporter::ImportInto(const T& request, Known<T>& known) {
  using Traits = RequestTraits<T>;
  const std::string parent = ParentOf(request.name());
  if (!known.loaded) {
    absl::Status s = ListAll(parent, Traits::kList, client_, Traits::Items,
                             [&](const T& r) { known.by_name[r.name()] = r; });
    if (!s.ok()) return s;
    known.loaded = true;
  }
  if (auto it = known.by_name.find(request.name()); it != known.by_name.end()) {
    if (SameRecord(it->second, request)) return ImportOutcome::kUnchanged;
    return Differs(request.name());
  }
  typename Traits::CreateRequest create;
  create.set_parent(parent);
  Traits::Fill(request, IdOf(request.name()), &create);
  create.set_as_recorded(true);
  auto created = (client_.*Traits::kCreate)(create);
  if (!created.ok()) return created.status();
  known.by_name[created->name()] = *created;
  return ImportOutcome::kCreated;
}

}  // namespace psc::cli
