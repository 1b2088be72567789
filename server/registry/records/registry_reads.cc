// Registry::Open, Get and List: reads against a store snapshot.

#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"
#include "server/registry/access/access_policy.h"
#include "server/registry/fields/names.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/records/record_layout.h"
#include "server/registry/records/registry.h"
#include "server/storage/keys.h"

namespace psc::registry {
namespace {

using storage::Family;
using storage::ReadView;

constexpr char kPageTokenSecretKey[] = "page_token_secret";
constexpr int kMaxHistoryScan = 10000;

absl::StatusOr<RecordPtr> LoadRecord(const ReadView& view, const RecordKind& kind,
                                     absl::string_view id) {
  PSC_ASSIGN_OR_RETURN(auto value, view.Get(Family::kRecords, RecordKey(kind.collection(), id)));
  if (!value) return nullptr;
  RecordPtr m(kind.prototype().New());
  if (!m->ParseFromString(*value)) {
    return absl::InternalError(absl::StrCat("corrupt record ", kind.collection(), "/", id));
  }
  return m;
}

bool HasAllTerms(const RecordKind& kind, const google::protobuf::Message& m,
                 const std::vector<Term>& wanted) {
  if (wanted.size() <= 1) return true;  // the first term drove the index scan
  std::vector<Term> have = kind.IndexTerms(m);
  for (size_t i = 1; i < wanted.size(); ++i) {
    if (std::find(have.begin(), have.end(), wanted[i]) == have.end()) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Registry>> Registry::Open(storage::Store* store,
                                                         RegistryOptions options) {
  PSC_ASSIGN_OR_RETURN(auto secret, store->Snapshot()->Get(Family::kMeta, kPageTokenSecretKey));
  if (!secret) {
    std::string fresh(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), fresh.size()) != 1) {
      return absl::InternalError("no randomness for the page token secret");
    }
    // Created only if absent, checked inside the commit: replicas starting together on one
    // etcd cluster all end up with the secret the first of them wrote.
    PSC_RETURN_IF_ERROR(store
                            ->CommitAndWait([&fresh, &secret](storage::WriteTxn& txn) {
                              PSC_ASSIGN_OR_RETURN(secret,
                                                   txn.Get(Family::kMeta, kPageTokenSecretKey));
                              if (!secret) {
                                txn.Put(Family::kMeta, kPageTokenSecretKey, fresh);
                                secret = fresh;
                              }
                              return absl::OkStatus();
                            })
                            .status());
  }
  return std::unique_ptr<Registry>(new Registry(store, *std::move(secret), options));
}

absl::StatusOr<RecordPtr> Registry::Get(const Caller& caller, const RecordKind& kind,
                                        absl::string_view name) const {
  PSC_RETURN_IF_ERROR(CheckOperation(caller, kind, Operation::kRead));
  PSC_ASSIGN_OR_RETURN(std::string id, kind.IdOfName(name, "name"));
  PSC_ASSIGN_OR_RETURN(RecordPtr m, LoadRecord(*store_->Snapshot(), kind, id));
  // What the caller may not see is reported exactly like what does not exist.
  if (m == nullptr || !Visibility::For(caller, kind).Admits(*m)) {
    return Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                 absl::StrCat(name, " does not exist"));
  }
  Redact(caller, kind, m.get());
  return m;
}

absl::StatusOr<ListPage> Registry::List(const Caller& caller, const RecordKind& kind,
                                        const ListParams& params) const {
  PSC_RETURN_IF_ERROR(CheckOperation(caller, kind, Operation::kRead));
  PSC_ASSIGN_OR_RETURN(int page_size, EffectivePageSize(params.page_size));
  PSC_ASSIGN_OR_RETURN(std::vector<Term> terms, ParseFilter(params.filter, kind.filter_fields()));
  // The caller's visibility is part of the query, served by the same indexes.
  const std::vector<Term> visibility = Visibility::For(caller, kind).required();
  terms.insert(terms.end(), visibility.begin(), visibility.end());
  PSC_ASSIGN_OR_RETURN(Ordering ordering, ParseOrderBy(params.order_by));
  // The first term picks the index to walk; the rest are checked on each record.
  Term driver = terms.empty() ? Term{std::string(kAllField), ""} : terms.front();
  ReadView::ScanOptions scan;
  scan.prefix = IndexPrefix(kind.collection(), driver.field, driver.value, ordering.order);
  scan.reverse = ordering.descending;
  std::string query = absl::StrCat(kind.collection(), "\n", params.filter, "\n", params.order_by);
  for (const Term& t : visibility) absl::StrAppend(&query, "\n", t.Encoded());
  if (!params.page_token.empty()) {
    PSC_ASSIGN_OR_RETURN(scan.resume_after, page_tokens_.Decode(query, params.page_token));
  }

  std::shared_ptr<const ReadView> view = params.view ? params.view : store_->Snapshot();
  ListPage page;
  page.sequence = view->sequence();
  size_t bytes = 0;
  int scanned = 0;
  std::string last_key;      // the page continues after it
  std::string last_scanned;  // every entry up to it was examined
  bool more = false;
  absl::Status status;
  PSC_RETURN_IF_ERROR(
      view->Scan(Family::kIndex, scan, [&](absl::string_view key, absl::string_view) {
        if (++scanned > options_.max_list_scan) {  // enough work for one page
          more = true;
          last_key = last_scanned;
          return false;
        }
        last_scanned = std::string(key);
        std::string id;
        if (!IdFromIndexSuffix(key.substr(scan.prefix.size()), ordering.order, &id)) {
          status = absl::InternalError("corrupt index entry");
          return false;
        }
        auto m = LoadRecord(*view, kind, id);
        if (!m.ok() || *m == nullptr) {
          status = m.ok() ? absl::InternalError(absl::StrCat("index names missing record ", id))
                          : m.status();
          return false;
        }
        if (!HasAllTerms(kind, **m, terms)) return true;
        Redact(caller, kind, m->get());
        const size_t size = (*m)->ByteSizeLong();
        if (static_cast<int>(page.resources.size()) == page_size ||
            (!page.resources.empty() && bytes + size > kPageByteBudget)) {
          more = true;
          return false;
        }
        bytes += size;
        page.resources.push_back(*std::move(m));
        last_key = std::string(key);
        return true;
      }));
  PSC_RETURN_IF_ERROR(status);
  if (more) page.next_page_token = page_tokens_.Encode(query, last_key);
  return page;
}

absl::StatusOr<HistoryPage> Registry::History(const Caller& caller, absl::string_view name,
                                              int page_size, absl::string_view page_token) const {
  const RecordKind* kind = KindOfName(name);
  if (kind == nullptr) {
    return ArgumentError(
        "name", "INVALID_NAME",
        absl::StrCat("\"", CharacterPrefix(name, 200), "\" is not a resource name"));
  }
  PSC_RETURN_IF_ERROR(CheckOperation(caller, *kind, Operation::kHistory));
  PSC_RETURN_IF_ERROR(kind->IdOfName(name, "name").status());
  PSC_ASSIGN_OR_RETURN(int size, EffectivePageSize(page_size));
  ReadView::ScanOptions scan;
  scan.prefix = HistoryPrefix(name);
  const std::string query = absl::StrCat("history\n", name);
  if (!page_token.empty()) {
    PSC_ASSIGN_OR_RETURN(scan.resume_after, page_tokens_.Decode(query, page_token));
  }
  std::unique_ptr<ReadView> view = store_->Snapshot();
  HistoryPage page;
  size_t bytes = 0;
  int scanned = 0;
  std::string last_key;
  bool more = false;
  absl::Status status;
  PSC_RETURN_IF_ERROR(
      view->Scan(Family::kIndex, scan, [&](absl::string_view key, absl::string_view) {
        // A page also stops after a bounded scan (keys whose log entry is gone are skipped).
        if (static_cast<int>(page.changes.size()) == size || bytes > kPageByteBudget ||
            ++scanned > kMaxHistoryScan) {
          more = true;
          return false;
        }
        uint64_t sequence = SequenceFromHistoryKey(key, scan.prefix);
        auto entry = view->Get(Family::kChangeLog, storage::ChangeLogKey(sequence));
        if (!entry.ok()) {
          status = entry.status();
          return false;
        }
        v1::StoredChange stored;
        if (*entry && stored.ParseFromString(**entry)) {
          bytes += stored.event().ByteSizeLong();
          page.changes.push_back(std::move(*stored.mutable_event()));
        }  // else trimmed by retention: the history keeps what the log still holds
        last_key = std::string(key);
        return true;
      }));
  PSC_RETURN_IF_ERROR(status);
  if (more) page.next_page_token = page_tokens_.Encode(query, last_key);
  return page;
}

}  // namespace psc::registry
