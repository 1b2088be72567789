#include "server/discovery/search_indexer.h"

#include "absl/strings/str_cat.h"
#include "server/common/errors.h"
#include "server/common/log.h"
#include "server/common/status_macros.h"
#include "server/registry/fields/names.h"
#include "server/registry/fields/resource_fields.h"
#include "server/registry/kinds/kind_table.h"
#include "server/registry/records/list_all.h"
#include "server/registry/workflows/sharing_capacity.h"
#include "server/spc/site_signal.h"

namespace psc::registry {
namespace {

constexpr int kBatch = 1000;
constexpr uint64_t kProgressEvery = 20000;

}  // namespace

index::Document SearchIndexer::DocumentOf(const RecordKind& kind,
                                          const google::protobuf::Message& resource) const {
  SearchInputs inputs;
  for (SearchInput input : kind.spec().search_inputs) {
    // The start-up check (kind_check.h) ties each input to its message type.
    switch (input) {
      case SearchInput::kFreeDays: {
        const auto& expert = static_cast<const v1::Expert&>(resource);
        // A failed read leaves the days offered; the next change to the expert corrects it.
        inputs.free_days =
            FreeDaysNow(*registry_, expert, absl::Now()).value_or(expert.days_per_month_offered());
        break;
      }
      case SearchInput::kImprovement: {
        const auto& initiative = static_cast<const v1::Initiative&>(resource);
        // A failed read leaves it "not improving"; the next change to its data corrects it.
        auto series =
            ListAllAs<v1::MeasureSeries>(*registry_, MeasureSeriesKind(),
                                         absl::StrCat("initiative = \"", initiative.name(), "\""));
        inputs.improving = series.ok() && spc::ShowsImprovement(initiative, *series);
        break;
      }
    }
  }
  return kind.SearchDocument(resource, inputs);
}

std::optional<index::Change> SearchIndexer::ChangeOf(const v1::ChangeEvent& event) const {
  const RecordKind* kind = KindOfName(event.resource_name());
  if (kind == nullptr) return std::nullopt;
  if (!kind->spec().searchable) {
    if (!kind->spec().reindex_parent) return std::nullopt;
    const std::string parent_name = ParentName(event.resource_name());
    const RecordKind* parent = KindOfName(parent_name);
    if (parent == nullptr) return std::nullopt;
    auto record = registry_->Get(Caller::Admin(), *parent, parent_name);
    if (!record.ok()) return std::nullopt;
    return index::Change{parent_name, DocumentOf(*parent, **record)};
  }
  index::Change change{event.resource_name(), std::nullopt};
  if (event.change_type() == v1::DELETED) return change;
  const auto* oneof = event.GetDescriptor()->FindOneofByName("after");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (field != nullptr)
    change.document = DocumentOf(*kind, event.GetReflection()->GetMessage(event, field));
  return change;
}

SearchIndexer::SearchIndexer(const Registry* registry, const ChangeFeed* feed,
                             index::SearchIndex* index)
    : registry_(registry),
      feed_(feed),
      index_(index),
      follower_({.what = "search index",
                 .position = [index] { return index->last_sequence(); },
                 .first = [this] { return NeedsRebuild() ? Rebuild() : CatchUp(); },
                 .next =
                     [this] {
                       absl::Status caught_up = CatchUp();
                       return ErrorReason(caught_up) == "CURSOR_EXPIRED" ? Rebuild() : caught_up;
                     }},
                feed->last_sequence()) {}

bool SearchIndexer::NeedsRebuild() const {
  const uint64_t applied = index_->last_sequence();
  if (applied > feed_->last_sequence()) return true;  // an index of some other data
  if (applied == 0) return feed_->last_sequence() > 0;
  return !feed_->CheckCursor(applied, {}).ok();  // the log has been trimmed past it
}

absl::Status SearchIndexer::CatchUp() {
  const uint64_t start = index_->last_sequence();
  const uint64_t target = feed_->last_sequence();
  const bool log_progress = target - start > kProgressEvery;
  if (log_progress) {
    LogInfo(absl::StrCat("search index: catching up from sequence ", start, " to ", target));
  }
  uint64_t next_report = start + kProgressEvery;
  while (true) {
    const uint64_t applied = index_->last_sequence();
    PSC_ASSIGN_OR_RETURN(FeedPage page, feed_->Read(Caller::Admin(), applied, {}, kBatch));
    if (page.scanned_to == applied) break;
    std::vector<index::Change> changes;
    changes.reserve(page.events.size());
    for (const v1::ChangeEvent& event : page.events) {
      if (auto change = ChangeOf(event)) changes.push_back(*std::move(change));
    }
    PSC_RETURN_IF_ERROR(index_->Apply(changes, page.scanned_to));
    if (log_progress && page.scanned_to >= next_report) {
      LogInfo(
          absl::StrCat("search index: applied up to sequence ", page.scanned_to, " of ", target));
      next_report += kProgressEvery;
    }
    if (stopping()) break;
  }
  if (log_progress) LogInfo(absl::StrCat("search index: caught up at ", index_->last_sequence()));
  return absl::OkStatus();
}

absl::Status SearchIndexer::Rebuild() {
  const uint64_t from = feed_->last_sequence();
  LogInfo(absl::StrCat("search index: rebuilding from the records at sequence ", from));
  PSC_RETURN_IF_ERROR(index_->Reset());
  uint64_t indexed = 0;
  for (const RecordKind* kind : SearchableKinds()) {
    ListParams params;
    params.page_size = kBatch;
    do {
      PSC_ASSIGN_OR_RETURN(ListPage page, registry_->List(Caller::Admin(), *kind, params));
      std::vector<index::Change> changes;
      for (const RecordPtr& resource : page.resources) {
        changes.push_back({GetName(*resource), DocumentOf(*kind, *resource)});
      }
      // Sequence 0 until the end: a rebuild cut short starts again from scratch.
      PSC_RETURN_IF_ERROR(index_->Apply(changes, 0));
      indexed += changes.size();
      if (indexed % kProgressEvery < changes.size()) {
        LogInfo(absl::StrCat("search index: rebuilt ", indexed, " records"));
      }
      params.page_token = page.next_page_token;
      if (stopping()) return absl::OkStatus();
    } while (!params.page_token.empty());
  }
  PSC_RETURN_IF_ERROR(index_->Apply({}, from));
  LogInfo(absl::StrCat("search index: rebuilt ", indexed, " records; catching up from ", from));
  return CatchUp();
}

}  // namespace psc::registry
