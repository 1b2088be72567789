#pragma once

// Valid resources of every kind, for tests to start from and break one rule at a time.

#include <string>

#include "psc/registry/v1/case_study.pb.h"
#include "psc/registry/v1/collaborative.pb.h"
#include "psc/registry/v1/expert.pb.h"
#include "psc/registry/v1/initiative.pb.h"
#include "psc/registry/v1/resource.pb.h"

namespace psc::testing {

namespace v1 = ::psc::registry::v1;

v1::Collaborative MakeCollaborative(const std::string& display_name = "Wessex PSC");
// An initiative led by `lead` (a collaborative name) with a complete measurement plan.
v1::Initiative MakeInitiative(const std::string& lead, const std::string& title = "Safety huddles");
// An initiative with every text and list at its documented maximum (about 170 KB), LOCAL,
// proposed, titled `title` padded to 200 characters.
v1::Initiative MakeLargestInitiative(const std::string& lead, const std::string& title);
v1::CaseStudy MakeCaseStudy(const std::string& owner,
                            const std::string& title = "Sepsis dashboard");
v1::Expert MakeExpert(const std::string& home, const std::string& display_name = "Dr Demo Person");
v1::Resource MakeResource(const std::string& provider, const std::string& title = "PSMU support");

}  // namespace psc::testing
