#include "tools/web/page_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "psc/client/error_details.h"
#include "tools/web/display.h"

namespace psc::web {

std::vector<std::string> PageRequest::Params(const std::string& name) const {
  std::vector<std::string> values;
  auto [begin, end] = http.params.equal_range(name);
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

Data PageRequest::BaseData(const std::string& title, const std::string& nav) const {
  Data data;
  data.set("title", title);
  data.set("csrf", csrf_token_);
  data.set("viewer_name", viewer.display_name);
  data.set("viewer_role", EnumLabel(viewer.principal.role()));
  SetIfAny(data, "viewer_collaborative", CollaborativeLabel(viewer.principal.collaborative()));
  data.set("can_lead", viewer.CanLead());
  data.set("nav_" + nav, true);
  return data;
}

void PageRequest::Render(const std::string& page, const Data& data, int status) {
  response.status = status;
  response.set_content(Templates::RenderPage(page, data), "text/html; charset=utf-8");
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

void SetErrors(Data& data, const absl::Status& status) {
  const client::ErrorDetails details = client::GetErrorDetails(status);
  List errors;
  for (const auto& violation : details.field_violations) {
    // "sharing_request.days_per_month" names the form field "days_per_month".
    const std::string field = violation.field.substr(violation.field.rfind('.') + 1);
    const std::string id = field.substr(0, field.find('['));
    Data error;
    error.set("href", "#" + id);
    error.set("text", absl::StrCat(FieldLabel(id), ": ", violation.description));
    errors.push_back(error);
  }
  if (errors.empty()) {
    Data error;
    switch (status.code()) {
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
