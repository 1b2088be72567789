#include "tools/web/page_request.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "psc/client/error_details.h"
#include "tools/web/compression.h"
#include "tools/web/display.h"

namespace psc::web {

std::vector<std::string> PageRequest::Params(const std::string& name) const {
  std::vector<std::string> values;
  auto [begin, end] = http.params.equal_range(name);
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

std::string PageRequest::Collaborative(absl::string_view name) const {
  if (name.empty()) return "";
  if (!collaboratives_) {
    collaboratives_.emplace();
    if (auto all = registry.ListAllCollaboratives(); all.ok()) {
      for (const v1::Collaborative& c : *all) (*collaboratives_)[c.name()] = c.display_name();
    }
  }
  const auto found = collaboratives_->find(name);
  return found == collaboratives_->end() ? CollaborativeLabel(name) : found->second;
}

Data PageRequest::BaseData(const std::string& title, const std::string& nav) const {
  Data data;
  AddAssetUrls(assets_, data);
  data.set("title", title);
  data.set("csrf", csrf_token_);
  data.set("viewer_name", viewer.display_name);
  data.set("viewer_role", EnumLabel(viewer.principal.role()));
  SetIfAny(data, "viewer_collaborative", Collaborative(viewer.principal.collaborative()));
  data.set("can_lead", viewer.CanLead());
  data.set("nav_" + nav, true);
  return data;
}

void PageRequest::Render(const std::string& page, const Data& data, int status) {
  response.status = status;
  SetCompressedBody(http, response, Templates::RenderPage(page, data), "text/html; charset=utf-8");
}

void PageRequest::RenderFailure(const absl::Status& status, const std::string& title) {
  int http_status = 400;
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      http_status = 404;
      break;
    case absl::StatusCode::kPermissionDenied:
      http_status = 403;
      break;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      http_status = 503;
      break;
    default:
      break;
  }
  Data data = BaseData(title, "");
  SetErrors(data, status);
  Render("failure", data, http_status);
}

void PageRequest::Redirect(const std::string& path) {
  response.status = 303;
  response.set_header("Location", path);
}

void SetFieldErrors(Data& data, const std::vector<FieldError>& field_errors) {
  List errors;
  for (const FieldError& e : field_errors) {
    Data error;
    error.set("href", "#" + e.field);
    error.set("text", e.text);
    errors.push_back(error);
    data.set("error_" + e.field, e.text);
  }
  data.set("errors", errors);
  data.set("has_errors", !field_errors.empty());
}

void SetErrors(Data& data, const absl::Status& status, const std::vector<std::string>& fields) {
  const client::ErrorDetails details = client::GetErrorDetails(status);
  std::vector<FieldError> field_errors;
  for (const auto& violation : details.field_violations) {
    // "sharing_request.days_per_month" names the form field "days_per_month";
    // "sharing_request.start_month.year" the group "start_month".
    std::string path = violation.field;
    for (const char* part : {".year", ".month", ".day"}) {
      if (absl::EndsWith(path, part) && path.size() > strlen(part)) {
        path.resize(path.size() - strlen(part));
      }
    }
    const std::string field = path.substr(path.rfind('.') + 1);
    const std::string id = field.substr(0, field.find('['));
    // A field the page does not have (one pscd derives) is not the reader's to fix.
    if (!fields.empty() && std::find(fields.begin(), fields.end(), id) == fields.end()) continue;
    field_errors.push_back({id, absl::StrCat(FieldLabel(id), ": ", violation.description)});
  }
  if (!field_errors.empty()) {
    SetFieldErrors(data, field_errors);
    return;
  }
  List errors;
  {
    Data error;
    switch (details.field_violations.empty() ? status.code() : absl::StatusCode::kUnknown) {
      case absl::StatusCode::kUnknown:  // only fields the page does not have
        error.set("text", "The registry could not accept this. Check your answers and try again.");
        break;
      case absl::StatusCode::kUnavailable:
        error.set("text", "The registry is not available just now. Try again in a minute.");
        break;
      case absl::StatusCode::kPermissionDenied:
        error.set("text",
                  absl::StrCat("You do not have permission to do that. ", status.message()));
        break;
      default:
        error.set("text", std::string(status.message()));
    }
    errors.push_back(error);
  }
  data.set("errors", errors);
  data.set("has_errors", true);
}

}  // namespace psc::web
