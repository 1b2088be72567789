#pragma once
// How each kind of resource appears in the search index (server/index): its text, its filter
// and facet terms, and the numbers the expert finder ranks by.

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "psc/registry/v1/expert.pb.h"
#include "psc/registry/v1/initiative.pb.h"
#include "server/index/document.h"

namespace psc::registry {

// Numeric slots of expert documents.
inline constexpr int kFreeDaysSlot = 0;
inline int SkillLevelSlot(v1::Skill skill) { return 1 + static_cast<int>(skill); }

// "HUMAN_FACTORS" -> "human factors".
std::string SkillLabel(v1::Skill skill);

// The index document of `resource`, a message of one of the five kinds. `free_days` is an
// expert's free days this month (sharing_capacity.h); ignored for other kinds.
index::Document SearchDocumentOf(const google::protobuf::Message& resource, int free_days = 0);

// The text that says what an initiative is about (title, summary, topics, measures), which
// similarity is judged on.
std::string SimilarityText(const v1::Initiative& initiative);

}  // namespace psc::registry
