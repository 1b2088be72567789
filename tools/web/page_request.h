#pragma once
// One page request as a page handler sees it: the HTTP request and response, the signed-in
// user, a registry client acting for that user, and the helpers every page uses.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "httplib.h"
#include "psc/client/registry_client.h"
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
              client::RegistryClient& registry, Viewer viewer, std::string csrf_token)
      : http(http),
        response(response),
        registry(registry),
        viewer(std::move(viewer)),
        csrf_token_(std::move(csrf_token)) {}

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
};

// Sets `data`'s NHS error summary (templates/_errors) for `status`: has_errors, and errors
// [{href, text}], each field violation with its field named, or the message when pscd named no
// field.
void SetErrors(Data& data, const absl::Status& status);

}  // namespace psc::web
