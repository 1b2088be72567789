#include "tools/web/static_files.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tools/web/compression.h"

namespace psc::web {
namespace {

constexpr absl::string_view kPrefix = "/static/v/";

// The first 12 hex digits of the SHA-256 of `text`: enough to tell builds apart.
std::string ShortHash(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < 6 && i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

// "psc-web.css", "3f2a..." -> "/static/v/psc-web.3f2a....css".
std::string HashedUrl(const std::string& name, const std::string& hash) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return absl::StrCat(kPrefix, name, ".", hash);
  return absl::StrCat(kPrefix, name.substr(0, dot), ".", hash, name.substr(dot));
}

}  // namespace

absl::StatusOr<StaticFiles> StaticFiles::Load(const std::vector<Source>& sources,
                                              const std::map<std::string, std::string>& aliases) {
  StaticFiles files;
  std::vector<std::pair<std::string, std::string>> rewrites;  // plain URL -> hashed URL
  for (const Source& source : sources) {
    std::ifstream in(source.path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", source.path));
    std::ostringstream text;
    text << in.rdbuf();
    File file;
    file.type = source.type;
    std::string content = text.str();
    if (source.transform) content = source.transform(std::move(content));
    const std::string plain = absl::StrReplaceAll(content, rewrites);
    const std::string hash = ShortHash(plain);
    file.etag = absl::StrCat("\"", hash, "\"");
    file.gzip = std::make_shared<const std::string>(Gzip(plain, /*level=*/9));
    file.plain = std::make_shared<const std::string>(plain);
    const std::string url = HashedUrl(source.name, hash);
    files.urls_[source.name] = url;
    for (const auto& [plain_url, name] : aliases) {
      if (name == source.name) rewrites.emplace_back(plain_url, url);
    }
    files.files_[url] = std::move(file);
  }
  return files;
}

std::string StaticFiles::Url(absl::string_view name) const {
  const auto found = urls_.find(std::string(name));
  return found == urls_.end() ? "" : found->second;
}

void StaticFiles::Serve(const httplib::Request& request, httplib::Response& response) const {
  const auto found = files_.find(request.path);
  if (found == files_.end()) {
    response.status = 404;
    return;
  }
  const File& file = found->second;
  // A hashed name never changes its content: keep it a year, and never ask again.
  response.set_header("Cache-Control", "public, max-age=31536000, immutable");
  response.set_header("ETag", file.etag);
  if (request.get_header_value("If-None-Match") == file.etag) {
    response.status = 304;
    return;
  }
  const bool gzip = AcceptsGzip(request);
  SetBodyAsIs(response, gzip ? file.gzip : file.plain, file.type, gzip);
}

void AddAssetUrls(const StaticFiles& assets, Data& data) {
  data.set("asset_nhsuk_css", assets.Url("nhsuk-frontend.min.css"));
  data.set("asset_psc_css", assets.Url("psc-web.css"));
  data.set("asset_init_js", assets.Url("init.js"));
}

}  // namespace psc::web
