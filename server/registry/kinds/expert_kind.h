#pragma once
// What the expert finder needs to know of how experts are indexed for search.

#include "psc/registry/v1/expert.pb.h"

namespace psc::registry {

// Numeric slots of expert documents: free days this month, and one level per skill.
inline constexpr int kFreeDaysSlot = 0;
inline int SkillLevelSlot(v1::Skill skill) { return 1 + static_cast<int>(skill); }

}  // namespace psc::registry
