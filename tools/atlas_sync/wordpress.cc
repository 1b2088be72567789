#include "tools/atlas_sync/wordpress.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace psc::atlas {
namespace {

namespace rv1 = registry::v1;

std::string Html(const std::string& text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

void Section(std::string* html, const char* heading, const std::string& text) {
  if (text.empty()) return;
  absl::StrAppend(html, "<h2>", heading, "</h2>\n<p>", Html(text), "</p>\n");
}

// The impact metrics as a list; one linked to a measure series says where its figures come
// from (the SPC means either side of the series' latest rebase).
void HeadlineFigures(std::string* html, const rv1::Impact& impact) {
  if (impact.metrics().empty()) return;
  absl::StrAppend(html, "<h2>Headline figures</h2>\n<ul>\n");
  for (const rv1::ImpactMetric& m : impact.metrics()) {
    std::string line =
        absl::StrCat(m.name(), ": ", m.before(), " before, ", m.after(), " after",
                     m.unit().empty() ? "" : " (", m.unit(), m.unit().empty() ? "" : ")");
    if (m.has_evidence()) {
      const rv1::EvidenceFigures& e = m.evidence();
      absl::StrAppend(&line, ". Means of ", e.measure_name(), " at ", e.site_name(), " over ",
                      e.before_points(), " periods before and ", e.after_points(), " from ",
                      absl::StrFormat("%04d-%02d", e.rebased_at().year(), e.rebased_at().month()),
                      ", from the registry's SPC chart");
    }
    absl::StrAppend(html, "<li>", Html(line), "</li>\n");
  }
  absl::StrAppend(html, "</ul>\n");
}

std::string Json(const v1::WordPressPost& post) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(post, &json, options);
  return json;
}

std::string AtlasId(const rv1::CaseStudy& c) {
  for (const auto& r : c.external_references()) {
    if (r.system() == kAtlasSystem) return r.id();
  }
  return "";
}

std::string Slug(const std::string& name) { return name.substr(name.find('/') + 1); }

// Text with HTML tags removed (block tags become spaces) and common entities decoded.
std::string PlainText(const std::string& html) {
  std::string out;
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] != '<') {
      out.push_back(html[i] == '\n' ? ' ' : html[i]);
      continue;
    }
    size_t end = html.find('>', i);
    if (end == std::string::npos) break;
    std::string tag = html.substr(i + 1, end - i - 1);
    bool block = tag.starts_with("/p") || tag.starts_with("br") || tag.starts_with("/h") ||
                 tag.starts_with("/li") || tag.starts_with("/div");
    if (block && !out.empty() && out.back() != ' ') out.push_back(' ');
    i = end;
  }
  out = absl::StrReplaceAll(out, {{"&lt;", "<"},
                                  {"&gt;", ">"},
                                  {"&quot;", "\""},
                                  {"&#8217;", "'"},
                                  {"&nbsp;", " "},
                                  {"&amp;", "&"}});
  return std::string(absl::StripAsciiWhitespace(out));
}

}  // namespace

std::string PostJson(const rv1::CaseStudy& c) {
  std::string content;
  Section(&content, "Summary", c.summary());
  Section(&content, "The challenge", c.challenge());
  Section(&content, "What we did", c.actions_taken());
  Section(&content, "Impact", c.impact().description());
  HeadlineFigures(&content, c.impact());
  Section(&content, "Next steps", c.next_steps());
  v1::WordPressPost post;
  post.mutable_title()->set_rendered(Html(c.title()));
  post.mutable_content()->set_rendered(content);
  post.set_slug(Slug(c.name()));
  post.set_status("publish");
  post.set_modified_gmt(google::protobuf::util::TimeUtil::ToString(c.update_time()).substr(0, 19));
  post.mutable_meta()->set_registry_name(c.name());
  post.mutable_meta()->set_atlas_id(AtlasId(c));
  return Json(post);
}

std::string RemovalJson(const std::string& registry_name) {
  v1::WordPressPost post;
  post.set_slug(Slug(registry_name));
  post.set_status("trash");
  post.mutable_meta()->set_registry_name(registry_name);
  return Json(post);
}

absl::StatusOr<rv1::CaseStudy> CaseStudyFromPost(const v1::WordPressPost& post) {
  rv1::CaseStudy c;
  c.set_title(PlainText(post.title().rendered()));
  if (post.id() == 0 || c.title().empty()) {
    return absl::InvalidArgumentError("a post needs an id and a title.rendered");
  }
  std::string summary = PlainText(post.content().rendered());
  if (summary.size() > 4000) summary = summary.substr(0, summary.rfind(' ', 3990)) + " ...";
  c.set_summary(summary);
  const std::string& status = post.status();
  c.set_publication_state(status == "publish" || status.empty() ? rv1::PUBLISHED
                          : status == "trash"                   ? rv1::WITHDRAWN
                                                                : rv1::DRAFT);
  rv1::ExternalReference* ref = c.add_external_references();
  ref->set_system(kAtlasSystem);
  ref->set_id(absl::StrCat(post.id()));
  if (!post.link().empty()) ref->set_url(post.link());
  return c;
}

}  // namespace psc::atlas
