#include "server/registry/records/record_layout.h"

#include "server/storage/keys.h"

namespace psc::registry {

using storage::KeyBuilder;

namespace {
absl::string_view OrderTag(SortOrder order) { return order == SortOrder::kName ? "n" : "c"; }
}  // namespace

std::string RecordKey(absl::string_view collection, absl::string_view id) {
  return KeyBuilder().AddString(collection).AddString(id).Release();
}

std::string IndexPrefix(absl::string_view collection, absl::string_view field,
                        absl::string_view value, SortOrder order) {
  return KeyBuilder()
      .AddString(collection)
      .AddString(field)
      .AddString(value)
      .AddString(OrderTag(order))
      .Release();
}

std::string IndexKey(absl::string_view collection, absl::string_view field, absl::string_view value,
                     SortOrder order, int64_t create_micros, absl::string_view id) {
  KeyBuilder key;
  key.AddString(collection).AddString(field).AddString(value).AddString(OrderTag(order));
  if (order == SortOrder::kCreateTime) key.AddInt64(create_micros);
  return key.AddString(id).Release();
}

bool IdFromIndexSuffix(absl::string_view suffix, SortOrder order, std::string* id) {
  storage::KeyReader reader(suffix);
  int64_t micros;
  if (order == SortOrder::kCreateTime && !reader.ReadInt64(&micros)) return false;
  return reader.ReadString(id) && reader.done();
}

std::string ReferencePrefix(absl::string_view target) {
  return KeyBuilder().AddString("~ref").AddString(target).Release();
}

std::string ReferenceKey(absl::string_view target, absl::string_view referrer) {
  return KeyBuilder().AddString("~ref").AddString(target).AddString(referrer).Release();
}

std::string HistoryPrefix(absl::string_view name) {
  return KeyBuilder().AddString("~hist").AddString(name).Release();
}

std::string HistoryKey(absl::string_view name, uint64_t sequence) {
  return KeyBuilder().AddString("~hist").AddString(name).AddUint64(sequence).Release();
}

uint64_t SequenceFromHistoryKey(absl::string_view key, absl::string_view prefix) {
  uint64_t sequence = 0;
  storage::KeyReader(key.substr(prefix.size())).ReadUint64(&sequence);
  return sequence;
}

std::string RequestKey(absl::string_view collection, absl::string_view request_id) {
  return KeyBuilder().AddString("req").AddString(collection).AddString(request_id).Release();
}

std::string RequestPrefix() { return KeyBuilder().AddString("req").Release(); }

std::string RequestValue(absl::string_view fingerprint, absl::string_view resource,
                         int64_t created_micros) {
  return KeyBuilder().AddString(fingerprint).AddString(resource).AddInt64(created_micros).Release();
}

bool ParseRequestValue(absl::string_view value, std::string* fingerprint, std::string* resource,
                       int64_t* created_micros) {
  storage::KeyReader reader(value);
  if (!reader.ReadString(fingerprint) || !reader.ReadString(resource)) return false;
  if (reader.done() || !reader.ReadInt64(created_micros)) *created_micros = 0;
  return true;
}

}  // namespace psc::registry
