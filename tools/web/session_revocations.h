#pragma once
// Sessions ended before their cookie expires: by signing out here (the session's id, so that a
// copied cookie is worthless too), or by the provider's back-channel logout (its session id, or
// every session of a subject begun before the logout). Remembered only as long as a session
// can live, so the set stays small.

#include <map>
#include <string>

#include "absl/time/time.h"
#include "server/common/mutex.h"
#include "tools/web/session.h"

namespace psc::web {

// Thread-safe.
class SessionRevocations {
 public:
  // `remember`: the longest a session lives (its absolute lifetime).
  explicit SessionRevocations(absl::Duration remember) : remember_(remember) {}

  void EndSession(const std::string& session_id, absl::Time now);
  void EndProviderSession(const std::string& provider_session, absl::Time now);
  // Every session of `subject` begun at or before `now`.
  void EndSubject(const std::string& subject, absl::Time now);

  // Whether `session` was ended by any of the above.
  bool IsEnded(const Session& session) const;

 private:
  using Ended = std::map<std::string, absl::Time, std::less<>>;
  void Add(Ended& ended, const std::string& key, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration remember_;
  mutable Mutex mu_;
  Ended sessions_ ABSL_GUARDED_BY(mu_);
  Ended provider_sessions_ ABSL_GUARDED_BY(mu_);
  Ended subjects_ ABSL_GUARDED_BY(mu_);
};

}  // namespace psc::web
