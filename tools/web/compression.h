#pragma once
// Response bodies compressed by psc-web rather than by httplib, which compresses every text body
// afresh with brotli at its slowest setting whenever a browser accepts "br": 0.1 s for a 64 KB
// page on this machine, longer than rendering it.

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "httplib.h"

namespace psc::web {

// `text` gzip-compressed at zlib's `level` (1 fastest .. 9 smallest).
std::string Gzip(absl::string_view text, int level);

// Whether `request` accepts a gzip-compressed response.
bool AcceptsGzip(const httplib::Request& request);

// Sends `bytes` (kept alive by the response) as the body, of `type`, with Content-Encoding: gzip
// when `gzip`, exactly as given: httplib passes a body of known length from a provider through
// without compressing it again.
void SetBodyAsIs(httplib::Response& response, std::shared_ptr<const std::string> bytes,
                 const std::string& type, bool gzip);

// Sends `body` of `type`, gzip-compressed at a fast level when the browser accepts it.
void SetCompressedBody(const httplib::Request& request, httplib::Response& response,
                       std::string body, const std::string& type);

}  // namespace psc::web
