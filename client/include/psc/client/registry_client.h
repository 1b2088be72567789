#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
#include "psc/client/error_details.h"
#include "psc/client/options.h"
#include "psc/registry/v1/record.pb.h"
#include "psc/registry/v1/registry_service.pb.h"

namespace psc::client {

namespace v1 = ::psc::registry::v1;

class Call;

// Options of a Create call.
struct CreateOptions {
  // The id of the new resource (an RFC-1034 label, 1..63 of [a-z0-9-]); random when empty.
  std::string id;
  // An idempotency key of at most 64 characters: a retry with the same key and request returns
  // the original result and creates nothing. With a key the client also retries the call when
  // the server is UNAVAILABLE.
  std::string request_id;
  // CreateInitiative only: true asks the server not to look for similar initiatives, so the
  // result's similar_initiatives is empty. For bulk loads, which never show the hint.
  bool skip_similar_initiatives = false;
  // CreateInitiative only (AIP-163): check everything a create would and return the record as it
  // would be created (with its similar_initiatives), writing nothing. INVALID_ARGUMENT for a kind
  // whose Create has no validate_only.
  bool validate_only = false;
};

// Options of an Update call.
struct UpdateOptions {
  // With a non-empty etag the update is ABORTED unless it is the record's current etag.
  std::string etag;
  // UpdateInitiative only: as CreateOptions::skip_similar_initiatives.
  bool skip_similar_initiatives = false;
};

// The request of one page of a List call (registry_service.proto has the filter language).
struct ListOptions {
  int page_size = 0;  // 0: the server's default
  std::string page_token;
  std::string filter;
  std::string order_by;
};

// One page of the records of a kind.
struct RecordPage {
  std::vector<std::unique_ptr<google::protobuf::Message>> records;
  std::string next_page_token;  // empty on the last page
  uint64_t sequence = 0;        // the change-log sequence the page reflects
};

// A client of the PSC Registry (psc.registry.v1.Registry), one method per RPC.
//
// Every method returns the server's result or its error as an absl::Status with the gRPC code
// and message; GetErrorDetails() reads the AIP-193 details (reason, field violations). Common
// codes: INVALID_ARGUMENT (bad input, nothing changed), NOT_FOUND, ALREADY_EXISTS,
// FAILED_PRECONDITION (a reference does not resolve, or the resource is still referenced),
// ABORTED (stale etag), UNAVAILABLE (server unreachable after retries), DEADLINE_EXCEEDED.
//
// Reads and creates with a request_id are retried with exponential backoff while the server is
// UNAVAILABLE, within the call's deadline; other writes are never retried.
//
// Thread-safe: one RegistryClient may be shared by any number of threads.
class RegistryClient {
 public:
  // A client of the server at `options.target`. Connects lazily: errors show on the first call.
  // When the TLS files cannot be read, every call fails with FAILED_PRECONDITION saying which.
  // A server that refuses the handshake (unknown CA, expired or missing certificate) shows as
  // UNAVAILABLE; one that does not know the caller's identity as PERMISSION_DENIED with reason
  // UNKNOWN_PRINCIPAL.
  explicit RegistryClient(ClientOptions options = {});
  ~RegistryClient();

  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  const ClientOptions& options() const { return options_; }

  // Who this client's calls act as: identity, role and collaborative from pscd's principals
  // file (for a gateway acting for a user, the user's). PERMISSION_DENIED (UNKNOWN_PRINCIPAL,
  // GATEWAY_NEEDS_USER) when pscd does not know the caller. Retried per RetryPolicy.
  absl::StatusOr<v1::Principal> GetCaller();

  // A client that shares this one's connection (and so its TLS session) and whose every call
  // acts for `user` (ClientOptions::on_behalf_of; empty: the certificate's own identity). For a
  // front end that serves many users through one GATEWAY certificate: cheap to make per request
  // (no new connection). The returned client may outlive this one. Thread-safe.
  std::unique_ptr<RegistryClient> ActingFor(std::string user) const;

  // Whether the server reports SERVING on the standard gRPC health service, for the whole server
  // (`service` empty) or one of its services by full name ("psc.registry.v1.Registry"); false
  // while it drains before stopping. NOT_FOUND for a service it does not serve; other errors as
  // for the other calls (UNAVAILABLE when it cannot be reached). Retried like a read.
  absl::StatusOr<bool> IsServing(const std::string& service = "");

  // ---- The standard methods of every kind ----
  //
  // T is the kind's message: v1::Collaborative (collaboratives/{id}), v1::Initiative
  // (initiatives/{id}), v1::CaseStudy (caseStudies/{id}), v1::Expert (experts/{id}) or
  // v1::Resource (resources/{id}), and any kind the API adds later: the methods are found
  // through the API's descriptors. Another message type gets INVALID_ARGUMENT. The named
  // methods further down (GetCollaborative, ...) are these under each kind's name.

  // The record `name`. NOT_FOUND when there is none; INVALID_ARGUMENT when `name` is not in
  // T's collection. Retried like every read.
  template <typename T>
  absl::StatusOr<T> Get(const std::string& name) {
    T out;
    if (absl::Status s = GetRecord(name, &out); !s.ok()) return s;
    return out;
  }
  // Every record of T matching `filter` (registry_service.proto has the filter language and
  // order_by), walking all pages (page size 1000). Pages are separate reads: changes made
  // meanwhile may or may not show.
  template <typename T>
  absl::StatusOr<std::vector<T>> ListAll(const std::string& filter = "",
                                         const std::string& order_by = "") {
    std::vector<T> all;
    absl::StatusOr<uint64_t> listed = ListAllAny(
        T::descriptor(), filter, order_by,
        [&](google::protobuf::Message& m) { all.push_back(std::move(static_cast<T&>(m))); });
    if (!listed.ok()) return listed.status();
    return all;
  }
  // Creates `record` and returns it with its name, times and etag set. ALREADY_EXISTS when
  // `options.id` is taken; FAILED_PRECONDITION when a reference does not resolve;
  // INVALID_ARGUMENT (VALIDATION_FAILED, with field violations) for a broken rule. Retried only
  // with a request_id.
  template <typename T>
  absl::StatusOr<T> Create(const T& record, const CreateOptions& options = {}) {
    T out;
    if (absl::Status s = CreateRecord(record, options, &out); !s.ok()) return s;
    return out;
  }
  // Replaces the fields of `record.name()` listed in `update_mask` (empty: every field set in
  // `record`; "*": all writable fields). With a non-empty `etag`, ABORTED unless it is
  // current. Never retried.
  template <typename T>
  absl::StatusOr<T> Update(const T& record, const google::protobuf::FieldMask& update_mask = {},
                           const std::string& etag = "") {
    T out;
    if (absl::Status s = UpdateRecord(record, update_mask, {etag}, &out); !s.ok()) return s;
    return out;
  }
  // Deletes `name`. FAILED_PRECONDITION while other records refer to it; with a non-empty
  // `etag`, ABORTED unless it is current. Never retried.
  template <typename T>
  absl::Status Delete(const std::string& name, const std::string& etag = "") {
    return DeleteRecord(T::descriptor(), name, etag);
  }
  // Creates the record `record` holds, of whichever kind its `kind` member carries, as Create
  // would, and returns the created record in the same member. INVALID_ARGUMENT for a record
  // holding nothing; otherwise the errors and retries of Create.
  absl::StatusOr<v1::RegistryRecord> CreateHeld(const v1::RegistryRecord& record,
                                                const CreateOptions& options = {});
  // One page of a List method, by its request type (v1::ListInitiativesRequest, ...):
  // `response.sequence` is the change-log sequence the page reflects.
  template <typename Response, typename Request>
  absl::StatusOr<Response> ListPage(const Request& request) {
    Response out;
    if (absl::Status s = ListPageAny(request, &out); !s.ok()) return s;
    return out;
  }

  // ---- The same on a kind chosen at run time, for generic tools (the psc CLI) ----
  //
  // The kind is the message type of `out`/`record`, or `type`; a type that is not a kind of
  // the registry gets INVALID_ARGUMENT. Contracts and retries otherwise as the templates above.

  // Reads the record `name` into `out`, a message of its kind.
  absl::Status GetRecord(const std::string& name, google::protobuf::Message* out);
  // Creates `record`; the created record is written to `out`, a message of the same kind.
  absl::Status CreateRecord(const google::protobuf::Message& record, const CreateOptions& options,
                            google::protobuf::Message* out);
  // Updates `record` as Update<T> does; the result is written to `out`, of the same kind.
  absl::Status UpdateRecord(const google::protobuf::Message& record,
                            const google::protobuf::FieldMask& update_mask,
                            const UpdateOptions& options, google::protobuf::Message* out);
  // Deletes the record `name` of the kind whose message is `type`.
  absl::Status DeleteRecord(const google::protobuf::Descriptor* type, const std::string& name,
                            const std::string& etag = "");
  // One page of the records of the kind whose message is `type`, each a message of `type`.
  absl::StatusOr<RecordPage> ListRecords(const google::protobuf::Descriptor* type,
                                         const ListOptions& options);

  // ---- The same under each kind's name ----

#define PSC_CLIENT_KIND_METHODS(Kind, Plural)                                                 \
  absl::StatusOr<v1::Kind> Get##Kind(const std::string& name) { return Get<v1::Kind>(name); } \
  absl::StatusOr<v1::List##Plural##Response> List##Plural(                                    \
      const v1::List##Plural##Request& request) {                                             \
    return ListPage<v1::List##Plural##Response>(request);                                     \
  }                                                                                           \
  absl::StatusOr<std::vector<v1::Kind>> ListAll##Plural(const std::string& filter = "",       \
                                                        const std::string& order_by = "") {   \
    return ListAll<v1::Kind>(filter, order_by);                                               \
  }                                                                                           \
  absl::StatusOr<v1::Kind> Create##Kind(const v1::Kind& record,                               \
                                        const CreateOptions& options = {}) {                  \
    return Create(record, options);                                                           \
  }                                                                                           \
  absl::StatusOr<v1::Kind> Update##Kind(const v1::Kind& record,                               \
                                        const google::protobuf::FieldMask& update_mask = {},  \
                                        const std::string& etag = "") {                       \
    return Update(record, update_mask, etag);                                                 \
  }                                                                                           \
  absl::Status Delete##Kind(const std::string& name, const std::string& etag = "") {          \
    return Delete<v1::Kind>(name, etag);                                                      \
  }
  PSC_CLIENT_KIND_METHODS(Collaborative, Collaboratives)
  PSC_CLIENT_KIND_METHODS(Initiative, Initiatives)
  PSC_CLIENT_KIND_METHODS(CaseStudy, CaseStudies)
  PSC_CLIENT_KIND_METHODS(Expert, Experts)
  PSC_CLIENT_KIND_METHODS(Resource, Resources)
#undef PSC_CLIENT_KIND_METHODS

  // UpdateInitiative with every option of the request (skip_similar_initiatives).
  absl::StatusOr<v1::Initiative> UpdateInitiative(const v1::UpdateInitiativeRequest& request);

  // ---- Bulk loads ----

  // Creates up to 500 records (collaboratives, initiatives, case studies, experts, resources),
  // each with its name set, in one call; each is created as its own Create would create it,
  // with the name's last part as its id, in order, and succeeds or fails on its own. The
  // response has one result a record, in order, whose `error` is unset when it was created and
  // otherwise holds what its Create would have returned (FromRpcStatus makes it an
  // absl::Status for GetErrorDetails). No similar-initiative hints. Admins only: PERMISSION_DENIED
  // for other roles; INVALID_ARGUMENT (VALIDATION_FAILED) for no records or more than 500;
  // RESOURCE_EXHAUSTED (REQUEST_TOO_LARGE) beyond 1 MiB. Not retried: a retry after a lost
  // reply would find the first attempt's records (ALREADY_EXISTS). Thread-safe.
  absl::StatusOr<v1::BatchCreateRecordsResponse> BatchCreateRecords(
      const v1::BatchCreateRecordsRequest& request);

  // ---- Change feed ----

  // One page of changes after `request.after_sequence()`, as the caller's role may see them.
  // Continue from `next_after_sequence`. OUT_OF_RANGE with reason CURSOR_EXPIRED when the
  // cursor is older than the retained history (relist, then continue from the list's
  // sequence); INVALID_ARGUMENT with reason CURSOR_AHEAD when it is beyond the newest.
  absl::StatusOr<v1::ListChangesResponse> ListChanges(const v1::ListChangesRequest& request);

  struct WatchHandlers {
    // Each change, in sequence order, each exactly once; return false to stop watching.
    std::function<bool(const v1::ChangeEvent&)> on_change;
    // Optional: each progress message (every change up to `sequence` has been delivered or
    // filtered out); return false to stop watching.
    std::function<bool(uint64_t sequence)> on_progress;
  };

  // Watches the changes after `after_sequence` (of `kinds`, e.g. {"caseStudies"}; all when
  // empty), calling the handlers on this thread until one returns false (then OK). When the
  // stream breaks (UNAVAILABLE, the server restarting, WATCHER_TOO_SLOW) it reconnects with the
  // retry policy's backoff from the last sequence delivered, so no change is missed or repeated;
  // the attempt count restarts whenever a message arrives. Returns CURSOR_EXPIRED (OUT_OF_RANGE)
  // for the caller to relist, and any other error that retrying cannot fix. No deadline applies.
  absl::Status WatchChanges(uint64_t after_sequence, const std::vector<std::string>& kinds,
                            const WatchHandlers& handlers);

  // Lists every resource of `collection` (e.g. "caseStudies"), calling `on_listed` for each,
  // then watches that collection from the sequence the listing reflects: a copy built from
  // on_listed and kept current from the handlers is exactly the server's. Errors as for List
  // and WatchChanges.
  absl::Status ListThenWatch(const std::string& collection,
                             const std::function<void(const v1::RegistryRecord&)>& on_listed,
                             const WatchHandlers& handlers);

  // ---- Discovery ----
  // Served from the server's full-text index, which follows commits a few milliseconds behind:
  // to see your own write, pass the write's sequence (or a List's `sequence`) as
  // min_sequence. Each returns only what the caller's role may read. Errors: INVALID_ARGUMENT
  // (INVALID_QUERY, VALIDATION_FAILED, INVALID_PAGE_TOKEN), PERMISSION_DENIED
  // (ROLE_NOT_ALLOWED), DEADLINE_EXCEEDED (INDEX_BEHIND). Reads: retried per RetryPolicy.

  // Full-text search across kinds, with filters, facet counts and snippets (search.proto).
  absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request);

  // Experts by skill and level, region, shareability and free days, best first, each with the
  // reasons it matched.
  absl::StatusOr<v1::FindExpertsResponse> FindExperts(const v1::FindExpertsRequest& request);

  // Initiatives of other PSCs that look like the same work as an initiative (`name`) or a
  // text, most similar first. NOT_FOUND when `name` does not exist.
  absl::StatusOr<v1::FindSimilarInitiativesResponse> FindSimilarInitiatives(
      const v1::FindSimilarInitiativesRequest& request);

  // ---- Collaboration workflows (workflow.proto) ----
  // Requesters act as a LEAD of the requesting collaborative (default: their own; an admin
  // names one); deciders as a LEAD of the collaborative owning the parent (the initiative's
  // lead, the expert's home); admins may do anything. Others get PERMISSION_DENIED
  // (ROLE_NOT_ALLOWED or NOT_OWNER). A decision the request's state does not allow gets
  // FAILED_PRECONDITION (INVALID_STATE); a stale `etag` ABORTED (ETAG_MISMATCH). Writes are
  // not retried; lists and the report are.

  // Asks to join `initiative` (`initiatives/{id}`); returns the pending request.
  // ALREADY_EXISTS (REQUEST_PENDING) while one is pending for the same collaborative;
  // FAILED_PRECONDITION (ALREADY_PARTICIPANT) when it leads or takes part already.
  absl::StatusOr<v1::JoinRequest> CreateJoinRequest(const std::string& initiative,
                                                    const v1::JoinRequest& join_request);
  // The same with every option: a chosen id (ALREADY_EXISTS, RESOURCE_EXISTS, when taken), and
  // for admins `as_recorded`, which writes an exported request with its state and decision
  // (what `psc import` does).
  absl::StatusOr<v1::JoinRequest> CreateJoinRequest(const v1::CreateJoinRequestRequest& request);
  // Join requests of an initiative (`parent` = `initiatives/{id}`; `initiatives/-` for every
  // initiative's), or a collaborative's OUTGOING or INCOMING ones (`parent` =
  // `collaboratives/{id}` and `direction`), oldest first.
  absl::StatusOr<v1::ListJoinRequestsResponse> ListJoinRequests(
      const v1::ListJoinRequestsRequest& request);
  // Approve (the requester becomes a participant in the same write), decline (reason
  // required, else INVALID_ARGUMENT) or withdraw (by the requester) a pending request.
  absl::StatusOr<v1::JoinRequest> ApproveJoinRequest(const v1::DecideRequest& request);
  absl::StatusOr<v1::JoinRequest> DeclineJoinRequest(const v1::DecideRequest& request);
  absl::StatusOr<v1::JoinRequest> WithdrawJoinRequest(const v1::DecideRequest& request);
  // A participant leaves; returns the initiative. FAILED_PRECONDITION (NOT_A_PARTICIPANT).
  absl::StatusOr<v1::Initiative> LeaveInitiative(const v1::LeaveInitiativeRequest& request);
  // Records a review decision (lead of the initiative or admin); STOP needs a rationale and
  // moves the initiative to STOPPED (FAILED_PRECONDITION, INVALID_TRANSITION, when it cannot).
  absl::StatusOr<v1::Initiative> ReviewInitiative(const v1::ReviewInitiativeRequest& request);

  // Asks for days of `expert` (`experts/{id}`); returns the pending request.
  // FAILED_PRECONDITION (NOT_SHAREABLE) for another collaborative's unshareable expert.
  absl::StatusOr<v1::SharingRequest> CreateSharingRequest(
      const std::string& expert, const v1::SharingRequest& sharing_request);
  // The same with every option, as CreateJoinRequest's; an ACCEPTED or COMPLETED request as
  // recorded still may not overbook the expert (OVERBOOKED).
  absl::StatusOr<v1::SharingRequest> CreateSharingRequest(
      const v1::CreateSharingRequestRequest& request);
  // Sharing requests of an expert (`experts/-` for every expert's), or a collaborative's
  // OUTGOING or INCOMING ones.
  absl::StatusOr<v1::ListSharingRequestsResponse> ListSharingRequests(
      const v1::ListSharingRequestsRequest& request);
  // Accept (FAILED_PRECONDITION, OVERBOOKED, with ErrorInfo metadata `month` and `free_days`,
  // when a month of the period would exceed the days the expert offers; never overbooked, even
  // under concurrent accepts), decline (reason required) or cancel (by the requester).
  absl::StatusOr<v1::SharingRequest> AcceptSharingRequest(const v1::DecideRequest& request);
  absl::StatusOr<v1::SharingRequest> DeclineSharingRequest(const v1::DecideRequest& request);
  absl::StatusOr<v1::SharingRequest> CancelSharingRequest(const v1::DecideRequest& request);
  // Records the days delivered and feedback of an accepted request (requester or home).
  absl::StatusOr<v1::SharingRequest> CompleteSharingRequest(
      const v1::CompleteSharingRequestRequest& request);

  // The oversight report for `collaborative` (`collaboratives/{id}`), or national with a row
  // per collaborative when empty. Every role but ATLAS; NOT_FOUND for an unknown collaborative.
  absl::StatusOr<v1::NetworkReport> GetNetworkReport(const std::string& collaborative = "");

  // ---- Measure data and SPC charts (measure.proto) ----

  // Adds or replaces points of an initiative's measures by measure, site and period, all or
  // nothing, and returns how many were added, replaced or unchanged. Idempotent, so retried on
  // transient errors. Writers: leads and members of the lead collaborative (every site) and of
  // participants (the sites they report), admins; PERMISSION_DENIED otherwise (ROLE_NOT_ALLOWED,
  // NOT_OWNER). INVALID_ARGUMENT (VALIDATION_FAILED) with a violation per bad point
  // ("measurements[k].point.denominator", ...) and nothing written: an unknown measure, a bad
  // site id, periods not increasing within a series, not exactly one of value or numerator and
  // denominator, a non-finite number or a denominator not above 0, more than 1000 points in the
  // batch or a series, more than 50 sites for a measure. NOT_FOUND for an unknown initiative.
  absl::StatusOr<v1::BatchUpsertMeasurementsResponse> BatchUpsertMeasurements(
      const v1::BatchUpsertMeasurementsRequest& request);
  // One page of an initiative's series (at most 10 a page), optionally one measure's or one
  // site's, points restricted to the period range, each with its chart_value. Every role but
  // ATLAS; INVALID_ARGUMENT for a malformed id or date.
  absl::StatusOr<v1::ListMeasurementsResponse> ListMeasurements(
      const v1::ListMeasurementsRequest& request);
  // The XmR chart of one measure at one site, or of every site summed, by NHS England's
  // "Making Data Count" rules. NOT_FOUND (MEASURE_NOT_FOUND) for a measure the initiative does
  // not have; INVALID_ARGUMENT for a rebase period the data lacks or fix_after_points of 1.
  absl::StatusOr<v1::MeasureChart> GetMeasureChart(const v1::GetMeasureChartRequest& request);
  // Spread candidates: initiatives with special cause improvement on an outcome measure at two
  // or more sites, ranked, each with its sites' evidence; initiatives with a complete plan but
  // no data within `stale_months` of `as_of`; the share of active initiatives with data,
  // nationally and per workstream. Every role but ATLAS; INVALID_ARGUMENT for a bad as_of or
  // stale_months outside 1..36.
  absl::StatusOr<v1::SpreadReport> GetSpreadReport(const v1::GetSpreadReportRequest& request);

  // ---- Backups (backup.proto) ----
  // Admins only: PERMISSION_DENIED (ROLE_NOT_ALLOWED) for other roles. FAILED_PRECONDITION
  // (BACKUPS_NOT_CONFIGURED) when pscd has no --backup-dir. NOT_FOUND for a backup that is not
  // there. Backups copy files: give them a deadline of seconds, not milliseconds.

  // Takes a backup now, while writes go on: the backup and the change-log sequence it holds.
  // Not retried (a retry would take a second backup); UNAVAILABLE (STORAGE_FULL) when the
  // backup disk is full.
  absl::StatusOr<v1::Backup> CreateBackup();
  // Every backup, oldest first.
  absl::StatusOr<v1::ListBackupsResponse> ListBackups();
  // Reads every file of backup `name` (`backups/{id}`) and checks its size and checksum: the
  // backup when all is well, DATA_LOSS (BACKUP_CORRUPT) naming the bad file otherwise.
  absl::StatusOr<v1::Backup> VerifyBackup(const std::string& name);
  // Deletes backup `name` and the files no other backup shares.
  absl::Status DeleteBackup(const std::string& name);

  // ---- Operations (server_status.proto) ----
  // This pscd's version, store, change-log and search-index positions and, on a replica over
  // etcd, how stale its mirror is (each replica answers for itself). Admins only:
  // PERMISSION_DENIED (ROLE_NOT_ALLOWED) for other roles. Retried like a read.
  absl::StatusOr<v1::ServerStatus> GetServerStatus();

  // ---- Audit ----

  // The change history of the resource `name` (which may since have been deleted), oldest
  // first: sequence, time, actor, change type and the resource after each change. Admins only:
  // PERMISSION_DENIED for other roles.
  absl::StatusOr<v1::ListResourceHistoryResponse> ListResourceHistory(
      const v1::ListResourceHistoryRequest& request);

 private:
  RegistryClient(ClientOptions options, std::unique_ptr<Call> call);

  // standard_methods.cc.
  absl::Status ListPageAny(const google::protobuf::Message& request,
                           google::protobuf::Message* response);
  // Every record of `type` matching `filter`, page by page, to `take`; returns the sequence the
  // first page reflects.
  absl::StatusOr<uint64_t> ListAllAny(const google::protobuf::Descriptor* type,
                                      const std::string& filter, const std::string& order_by,
                                      const std::function<void(google::protobuf::Message&)>& take);

  ClientOptions options_;
  std::unique_ptr<Call> call_;
};

}  // namespace psc::client
