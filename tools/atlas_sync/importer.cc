#include "tools/atlas_sync/importer.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "psc/atlas/v1/wordpress_post.pb.h"
#include "tools/atlas_sync/wordpress.h"

namespace psc::atlas {
namespace {

namespace rv1 = registry::v1;

// The fields an Atlas post sets; only these are compared and updated.
const std::vector<std::string>& PostFields() {
  static const auto* fields = new std::vector<std::string>{"title", "summary", "publication_state"};
  return *fields;
}

}  // namespace

absl::Status RunImport(client::RegistryClient& client, const std::string& file,
                       const std::string& owner) {
  std::ifstream in(file);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", file));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  google::protobuf::Value posts;
  auto parsed = google::protobuf::util::JsonStringToMessage(text, &posts);
  if (!parsed.ok() || !posts.has_list_value()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": not a JSON array of posts"));
  }
  int created = 0, updated = 0, unchanged = 0, rejected = 0;
  for (int i = 0; i < posts.list_value().values_size(); ++i) {
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(posts.list_value().values(i), &json);
    psc::atlas::v1::WordPressPost wp;
    google::protobuf::util::JsonParseOptions lenient;
    lenient.ignore_unknown_fields = true;  // real posts carry many more fields
    absl::StatusOr<rv1::CaseStudy> post =
        google::protobuf::util::JsonStringToMessage(json, &wp, lenient).ok()
            ? CaseStudyFromPost(wp)
            : absl::InvalidArgumentError("not a post object");
    if (!post.ok()) {
      std::fprintf(stderr, "%s: post %d: %s\n", file.c_str(), i,
                   std::string(post.status().message()).c_str());
      ++rejected;
      continue;
    }
    const std::string atlas_id = post->external_references(0).id();
    auto existing = client.ListAllCaseStudies(absl::StrCat("atlas_id = \"", atlas_id, "\""));
    if (!existing.ok()) return existing.status();
    absl::Status status;
    if (existing->empty()) {
      post->set_owner_collaborative(owner);
      status = client.CreateCaseStudy(*post, {.id = absl::StrCat("atlas-", atlas_id)}).status();
      created += status.ok();
    } else {
      rv1::CaseStudy& current = existing->front();
      bool same = current.title() == post->title() && current.summary() == post->summary() &&
                  current.publication_state() == post->publication_state();
      if (same) {
        ++unchanged;
        continue;
      }
      post->set_name(current.name());
      google::protobuf::FieldMask mask;
      for (const std::string& f : PostFields()) mask.add_paths(f);
      status = client.UpdateCaseStudy(*post, mask, current.etag()).status();
      updated += status.ok();
    }
    if (!status.ok()) {
      std::fprintf(stderr, "%s: post %d (Atlas id %s): %s [%s]\n", file.c_str(), i,
                   atlas_id.c_str(), std::string(status.message()).c_str(),
                   client::GetErrorDetails(status).reason.c_str());
      ++rejected;
    }
  }
  std::fprintf(stderr, "psc-atlas-sync import: %d created, %d updated, %d unchanged, %d rejected\n",
               created, updated, unchanged, rejected);
  if (rejected > 0) return absl::FailedPreconditionError(absl::StrCat(rejected, " posts rejected"));
  return absl::OkStatus();
}

}  // namespace psc::atlas
