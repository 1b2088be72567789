#pragma once

// The AHSN Atlas side: case studies as WordPress REST posts, and back.

#include <string>

#include "absl/status/statusor.h"
#include "psc/atlas/v1/wordpress_post.pb.h"
#include "psc/registry/v1/case_study.pb.h"

namespace psc::atlas {

// The external-reference system that holds a case study's Atlas id.
inline constexpr char kAtlasSystem[] = "ahsn-atlas";

// A published case study as a WordPress REST post: title.rendered, content.rendered (the
// narrative sections as HTML), slug, status "publish", modified_gmt, and under meta the
// registry name and the Atlas id. Deterministic: the same case study gives the same JSON.
std::string PostJson(const registry::v1::CaseStudy& case_study);

// The removal document for a withdrawn or deleted case study: status "trash".
std::string RemovalJson(const std::string& registry_name);

// A case study from a WordPress REST post (title, content with tags removed as the summary,
// status to publication state, id as the Atlas id). INVALID_ARGUMENT when the post has no id or
// title.
absl::StatusOr<registry::v1::CaseStudy> CaseStudyFromPost(const v1::WordPressPost& post);

}  // namespace psc::atlas
