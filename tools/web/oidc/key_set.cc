#include "tools/web/oidc/key_set.h"

#include <cjose/jwk.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "tools/web/oidc/json_object.h"

namespace psc::web::oidc {

absl::StatusOr<KeysById> ParseKeySet(absl::string_view json) {
  auto set = ParseJsonObject(json, "the provider's key set");
  if (!set.ok()) return set.status();
  auto keys = set->fields().find("keys");
  if (keys == set->fields().end() || !keys->second.has_list_value()) {
    return absl::InvalidArgumentError("the provider's key set has no \"keys\" list");
  }
  KeysById out;
  for (const google::protobuf::Value& entry : keys->second.list_value().values()) {
    if (!entry.has_struct_value()) continue;
    const JsonObject& key = entry.struct_value();
    // Encryption keys are not for checking signatures.
    if (const std::string use = StringField(key, "use"); !use.empty() && use != "sig") continue;
    std::string text;
    (void)google::protobuf::util::MessageToJsonString(key, &text);
    cjose_err error;
    cjose_jwk_t* jwk = cjose_jwk_import(text.c_str(), text.size(), &error);
    if (jwk == nullptr) {
      // A key type cjose does not know (OKP, say) is skipped; the others still serve.
      continue;
    }
    out.emplace(StringField(key, "kid"), Jwk(jwk, [](cjose_jwk_t* k) { cjose_jwk_release(k); }));
  }
  return out;
}

KeySet::KeySet(Fetcher fetch, absl::Duration refetch_interval)
    : fetch_(std::move(fetch)), refetch_interval_(refetch_interval) {}

absl::StatusOr<Jwk> KeySet::Find(absl::string_view kid, absl::Time now) {
  MutexLock lock(&mu_);
  if (!fetched_) {
    if (absl::Status fetched = FetchLocked(); !fetched.ok()) return fetched;
  }
  auto found = LookupLocked(kid);
  if (found.ok() || now - last_refetch_ < refetch_interval_) return found;
  // A key the set does not hold: the provider may have rotated to it.
  last_refetch_ = now;
  if (absl::Status fetched = FetchLocked(); !fetched.ok()) return fetched;
  return LookupLocked(kid);
}

int KeySet::fetches() const {
  MutexLock lock(&mu_);
  return fetches_;
}

absl::Status KeySet::FetchLocked() {
  ++fetches_;
  auto text = fetch_();
  if (!text.ok()) return text.status();
  auto keys = ParseKeySet(*text);
  if (!keys.ok()) return keys.status();
  keys_ = *std::move(keys);
  fetched_ = true;
  return absl::OkStatus();
}

absl::StatusOr<Jwk> KeySet::LookupLocked(absl::string_view kid) const {
  if (kid.empty() && keys_.size() == 1) return keys_.begin()->second;
  auto it = keys_.find(kid);
  if (it == keys_.end() || kid.empty()) {
    return absl::NotFoundError(
        absl::StrCat("the provider's key set has no key \"", kid.substr(0, 100), "\""));
  }
  return it->second;
}

}  // namespace psc::web::oidc
