#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "psc/registry/v1/change.pb.h"
#include "server/common/caller.h"
#include "server/registry/kinds/record_kind.h"
#include "server/registry/records/callbacks.h"
#include "server/registry/records/list_query.h"
#include "server/storage/store.h"

namespace psc::registry {

struct ListParams {
  int page_size = 0;
  std::string page_token;
  std::string filter;
  std::string order_by;
  // The snapshot to read (Registry::Snapshot()), so that several lists see one point in time;
  // null: a fresh snapshot for this page.
  std::shared_ptr<const storage::ReadView> view;
};

struct ListPage {
  std::vector<RecordPtr> resources;
  std::string next_page_token;  // empty on the last page
  uint64_t sequence = 0;        // the change-log sequence the page reflects
};

struct HistoryPage {
  std::vector<v1::ChangeEvent> changes;  // oldest first
  std::string next_page_token;
};

struct RegistryOptions {
  // The most index entries one List page examines. A filter whose later terms match few records
  // makes the scan long; past this the page returns what it has, with a token to continue.
  int max_list_scan = 10000;
};

struct CreateParams {
  std::string id;          // client-chosen id; random when empty
  std::string request_id;  // idempotency key; none when empty
  // Check everything and deliver the record as it would be stored, writing nothing.
  bool validate_only = false;
};

// The domain layer: the rules of every resource kind over the store. Reads run on the calling
// thread against a snapshot; writes are validated on the calling thread, then checked and
// applied atomically on the store's committer, and complete through a callback (callbacks.h
// says on which thread). Errors carry AIP-193 details (server/common/errors.h). Every call is
// authorized for its `caller` (access_policy.h) before anything is looked up. Thread-safe.
class Registry {
 public:
  // Loads (or creates) the server state the registry keeps in `store`, which must outlive it.
  static absl::StatusOr<std::unique_ptr<Registry>> Open(storage::Store* store,
                                                        RegistryOptions options = {});

  // The resource `name`. INVALID_ARGUMENT (INVALID_NAME) for a name outside the kind's
  // collection; NOT_FOUND (RESOURCE_NOT_FOUND) when absent.
  absl::StatusOr<RecordPtr> Get(const Caller& caller, const RecordKind& kind,
                                absl::string_view name) const;

  // One page of the kind's resources matching the filter, in the requested order. A page may
  // hold fewer than page_size (its byte budget, or its scan limit, was reached) and even none;
  // next_page_token is empty only on the last.
  absl::StatusOr<ListPage> List(const Caller& caller, const RecordKind& kind,
                                const ListParams& params) const;

  // The change-log entries of the resource `name`, oldest first. Admins only.
  absl::StatusOr<HistoryPage> History(const Caller& caller, absl::string_view name, int page_size,
                                      absl::string_view page_token) const;

  // Creates `resource` (output-only fields are ignored); `done` gets it as stored. Retries with
  // the same request_id and request get the original result. Errors, in the order checked:
  // PERMISSION_DENIED (ROLE_NOT_ALLOWED, NOT_OWNER) when the caller may not create it;
  // INVALID_ARGUMENT for a bad id or name (INVALID_NAME), a broken rule of the kind
  // (VALIDATION_FAILED, with field violations) or a request_id reused for another request
  // (REQUEST_ID_REUSED); ALREADY_EXISTS (RESOURCE_EXISTS) when the id is taken;
  // FAILED_PRECONDITION when a reference does not resolve (REFERENCE_NOT_FOUND) or a rule over
  // the previous state or other records fails (e.g. INVALID_TRANSITION); the store's errors
  // (UNAVAILABLE, STORAGE_FULL) when it cannot commit.
  void Create(const Caller& caller, const RecordKind& kind, RecordPtr resource, CreateParams params,
              RecordCallback done);

  // Replaces the fields in `mask` of the resource `patch.name` with those of `patch`; `done`
  // gets it as stored. The etag may come in `etag`, on `patch`, or both (then equal). Errors:
  // PERMISSION_DENIED (ROLE_NOT_ALLOWED, NOT_OWNER, or a field a participant may not change)
  // when the caller may not update it, checked before existence; INVALID_ARGUMENT for a bad
  // name (INVALID_NAME), a mask naming an unknown or server-owned field, two etags that differ
  // (ETAG_CONFLICT) or a result that breaks a rule of the kind (VALIDATION_FAILED); NOT_FOUND
  // (RESOURCE_NOT_FOUND) when it does not exist or the caller may not see it; ABORTED
  // (ETAG_MISMATCH) when the etag is set and not current; FAILED_PRECONDITION for a reference
  // that does not resolve or a rule over the previous state or other records (e.g.
  // INVALID_TRANSITION); the store's errors when it cannot commit.
  void Update(const Caller& caller, const RecordKind& kind, RecordPtr patch,
              google::protobuf::FieldMask mask, std::string etag, RecordCallback done);

  // Deletes `name`, recording a tombstone, with the records deleted with it (a join request
  // with its initiative). Errors: PERMISSION_DENIED when the caller may not delete it;
  // INVALID_ARGUMENT (INVALID_NAME) for a bad name; NOT_FOUND when it does not exist or the
  // caller may not see it; ABORTED (ETAG_MISMATCH) for a stale etag; FAILED_PRECONDITION
  // (RESOURCE_IN_USE) while other records refer to it; the store's errors when it cannot commit.
  void Delete(const Caller& caller, const RecordKind& kind, std::string name, std::string etag,
              StatusCallback done);

  // A snapshot of the store now, for reads that must agree (ListParams::view).
  std::shared_ptr<const storage::ReadView> Snapshot() const { return store_->Snapshot(); }

  // Signs page tokens; other read paths (search) share it.
  const PageTokens& page_tokens() const { return page_tokens_; }

 private:
  Registry(storage::Store* store, std::string page_token_secret, RegistryOptions options)
      : store_(store), page_tokens_(std::move(page_token_secret)), options_(options) {}

  storage::Store* store_;
  PageTokens page_tokens_;
  const RegistryOptions options_;
};

}  // namespace psc::registry
