#include "tools/web/session_revocations.h"

#include <map>

namespace psc::web {

void SessionRevocations::Add(Ended& ended, const std::string& key, absl::Time now) {
  if (key.empty()) return;
  ended[key] = now;
  // Forget what no live session can still be affected by.
  for (Ended* each : {&sessions_, &provider_sessions_, &subjects_}) {
    std::erase_if(*each, [&](const auto& entry) { return entry.second + remember_ < now; });
  }
}

void SessionRevocations::EndSession(const std::string& session_id, absl::Time now) {
  MutexLock lock(&mu_);
  Add(sessions_, session_id, now);
}

void SessionRevocations::EndProviderSession(const std::string& provider_session, absl::Time now) {
  MutexLock lock(&mu_);
  Add(provider_sessions_, provider_session, now);
}

void SessionRevocations::EndSubject(const std::string& subject, absl::Time now) {
  MutexLock lock(&mu_);
  Add(subjects_, subject, now);
}

bool SessionRevocations::IsEnded(const Session& session) const {
  MutexLock lock(&mu_);
  if (sessions_.contains(session.id)) return true;
  if (!session.provider_session.empty() && provider_sessions_.contains(session.provider_session)) {
    return true;
  }
  auto subject = session.subject.empty() ? subjects_.end() : subjects_.find(session.subject);
  return subject != subjects_.end() && session.started <= subject->second;
}

}  // namespace psc::web
