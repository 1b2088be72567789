#pragma once
// The stylesheets and scripts every page loads, read once at start and served under names that
// carry a hash of their content (/static/v/psc-web.3f2a9c1b04de.css): a browser keeps them for a
// year without asking again (Cache-Control: immutable), and a new build's files get new names.
// Each is gzip-compressed once, at start, not per request. Thread-safe once loaded.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "httplib.h"
#include "tools/web/templates.h"

namespace psc::web {

class StaticFiles {
 public:
  using Transform = std::function<std::string(std::string)>;
  struct Source {
    std::string path;     // the file
    std::string name;     // its name in URLs and for Url(), e.g. "psc-web.css"
    std::string type;     // Content-Type
    Transform transform;  // applied to the file's text first, when set
  };

  // Reads `sources` in order. Within each file's text, the plain URL of an earlier one
  // ("/nhsuk/nhsuk-frontend.min.js", given as `aliases`) is replaced with its hashed URL, so a
  // script's imports are cached as safely as the script. NOT_FOUND naming a file that cannot be
  // read.
  static absl::StatusOr<StaticFiles> Load(const std::vector<Source>& sources,
                                          const std::map<std::string, std::string>& aliases = {});

  // The hashed URL of `name` ("psc-web.css" -> "/static/v/psc-web.3f2a9c1b04de.css"), or "" for
  // a name that was not loaded.
  std::string Url(absl::string_view name) const;

  // Answers GET /static/v/...: 200 with the file (gzip when the browser takes it), 304 when the
  // browser's If-None-Match names it; 404 for a name it does not have.
  void Serve(const httplib::Request& request, httplib::Response& response) const;

 private:
  struct File {
    std::string type;
    std::string etag;  // "\"<hash>\""
    // Shared with the responses that send them.
    std::shared_ptr<const std::string> plain;
    std::shared_ptr<const std::string> gzip;
  };
  std::map<std::string, std::string> urls_;  // name -> hashed URL
  std::map<std::string, File> files_;        // hashed URL -> file
};

// Sets the layout's asset_* URLs (templates/layout.mustache) in `data`.
void AddAssetUrls(const StaticFiles& assets, Data& data);

}  // namespace psc::web
