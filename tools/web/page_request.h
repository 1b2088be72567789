#pragma once
// One page request as a page handler sees it: the HTTP request and response, the signed-in
// user, a registry client acting for that user, and the helpers every page uses.

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "httplib.h"
#include "psc/client/registry_client.h"
#include "tools/web/static_files.h"
#include "tools/web/templates.h"

namespace psc::web {

namespace v1 = ::psc::registry::v1;

struct Viewer {
  std::string display_name;
  v1::Principal principal;  // as pscd knows it (GetCaller): identity, role, collaborative

  bool IsAdmin() const { return principal.role() == v1::ADMIN; }
  // A lead of a collaborative (or the national team): may ask for days and answer requests.
  bool CanLead() const { return principal.role() == v1::LEAD || IsAdmin(); }
  bool CanWrite() const { return CanLead() || principal.role() == v1::MEMBER; }
};

class PageRequest {
 public:
  PageRequest(const httplib::Request& http, httplib::Response& response,
              client::RegistryClient& registry, Viewer viewer, std::string csrf_token,
              const StaticFiles& assets)
      : http(http),
        response(response),
        registry(registry),
        viewer(std::move(viewer)),
        csrf_token_(std::move(csrf_token)),
        assets_(assets) {}

  const httplib::Request& http;
  httplib::Response& response;
  client::RegistryClient& registry;  // acts for `viewer`
  const Viewer viewer;

  // A query or form parameter, "" when absent.
  std::string Param(const std::string& name) const { return http.get_param_value(name.c_str()); }
  // Every value of a repeated query or form parameter, in order.
  std::vector<std::string> Params(const std::string& name) const;
  // A path segment the route captured (1-based).
  std::string PathPart(int index) const { return http.matches[index].str(); }

  // A collaborative's display name ("UCLPartners") from pscd, read once per page; its name as
  // words (CollaborativeLabel) when pscd does not give it.
  std::string Collaborative(absl::string_view name) const;

  // Data every page has: the viewer, the CSRF token for its forms, the current nav item.
  Data BaseData(const std::string& title, const std::string& nav) const;
  // Renders `page` with `data` (from BaseData) as the response, with `status`.
  void Render(const std::string& page, const Data& data, int status = 200);
  // A page saying what went wrong with a call to pscd: 404 for NOT_FOUND, 403 for
  // PERMISSION_DENIED, 503 when pscd is unreachable, else 400; an NHS error summary naming each
  // field pscd reported.
  void RenderFailure(const absl::Status& status, const std::string& title);
  // 303 See Other to `path` (after a successful POST).
  void Redirect(const std::string& path);

 private:
  std::string csrf_token_;
  const StaticFiles& assets_;
  mutable std::optional<absl::flat_hash_map<std::string, std::string>> collaboratives_;
};

// An error in one form field: its id on the page and what to say.
struct FieldError {
  std::string field;
  std::string text;
};

// Sets `data`'s NHS error summary (templates/_errors: has_errors, errors [{href, text}]) and,
// for each field, `error_<field>` for the message beside it.
void SetFieldErrors(Data& data, const std::vector<FieldError>& errors);

// SetFieldErrors for `status`: each field violation with its field named (a date's year or
// month under the date's own field), or the message when pscd named no field. With `fields`
// (the page's form fields), violations of other fields are left out.
void SetErrors(Data& data, const absl::Status& status, const std::vector<std::string>& fields = {});

}  // namespace psc::web
