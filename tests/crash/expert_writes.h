#pragma once
// What the crash tests (crashtest, hatest) share: their writers' calls and what they know of
// each record they wrote.

#include <string>

#include "absl/status/statusor.h"
#include "psc/client/registry_client.h"

namespace psc::testing {

// What a writer knows of one of its records. Only acknowledged results change it; a call
// whose outcome is unknown (the server died under it) makes the record uncertain.
struct Known {
  bool exists = false;
  std::string title;  // the expert's job_title, set by every write
  std::string etag;
  bool uncertain = false;
};

// Whether a failed call may have committed: the server died, stalled or cut it off under it.
inline bool OutcomeUnknown(const absl::Status& s) {
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kDeadlineExceeded ||
         s.code() == absl::StatusCode::kCancelled || s.code() == absl::StatusCode::kUnknown;
}

// Sets expert `name`'s job_title, if its etag is still `etag`.
inline absl::StatusOr<registry::v1::Expert> Retitle(client::RegistryClient& client,
                                                    const std::string& name,
                                                    const std::string& title,
                                                    const std::string& etag) {
  registry::v1::Expert patch;
  patch.set_name(name);
  patch.set_job_title(title);
  google::protobuf::FieldMask mask;
  mask.add_paths("job_title");
  return client.UpdateExpert(patch, mask, etag);
}

// Deletes expert `name` if its etag is still `etag`; an empty Expert when it did.
inline absl::StatusOr<registry::v1::Expert> Delete(client::RegistryClient& client,
                                                   const std::string& name,
                                                   const std::string& etag) {
  absl::Status deleted = client.DeleteExpert(name, etag);
  if (!deleted.ok()) return deleted;
  return registry::v1::Expert();
}

}  // namespace psc::testing
