#pragma once

// Storage-internal: where the store's keys live in etcd. Every key of a family is
//   PREFIX + one letter for the family + the store's own key
// so that one Range or Watch over PREFIX covers the whole registry, and other users of the
// cluster (another registry under another prefix) never meet it.

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "server/storage/family.h"

namespace psc::storage {

// The guard every commit compares and writes (in kMeta): its value is the committing
// replica's nonce, so that a commit whose outcome was lost can tell whether it landed.
inline constexpr char kCommitGuardKey[] = "etcd_commit_guard";

class EtcdKeys {
 public:
  explicit EtcdKeys(std::string prefix) : prefix_(std::move(prefix)) {}

  std::string Key(Family family, absl::string_view key) const {
    std::string out = prefix_;
    out.push_back(kLetters[static_cast<int>(family)]);
    out.append(key.data(), key.size());
    return out;
  }
  std::string Guard() const { return Key(Family::kMeta, kCommitGuardKey); }
  // Where replica `id` publishes its position: outside every family (the mirror skips it).
  std::string Replica(absl::string_view id) const {
    return prefix_ + "~replicas/" + std::string(id);
  }

  // The family and store key of an etcd key, or nullopt for a key outside the registry.
  std::optional<std::pair<Family, absl::string_view>> Parse(absl::string_view etcd_key) const {
    if (etcd_key.size() <= prefix_.size() || etcd_key.substr(0, prefix_.size()) != prefix_) {
      return std::nullopt;
    }
    for (int f = 0; f < kFamilyCount; ++f) {
      if (etcd_key[prefix_.size()] == kLetters[f]) {
        return std::make_pair(static_cast<Family>(f), etcd_key.substr(prefix_.size() + 1));
      }
    }
    return std::nullopt;
  }

  const std::string& prefix() const { return prefix_; }

 private:
  static constexpr char kLetters[kFamilyCount] = {'r', 'i', 'c', 'm'};
  std::string prefix_;
};

}  // namespace psc::storage
