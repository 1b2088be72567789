#include "tools/web/oidc/http_fetch.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace psc::web::oidc {
namespace {

struct Body {
  std::string text;
  bool too_big = false;
};

size_t Append(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const size_t n = size * count;
  if (body->text.size() + n > kMaxReplyBytes) {
    body->too_big = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  body->text.append(data, n);
  return n;
}

// curl_global_init is not thread-safe: done once, before any handle.
void InitCurlOnce() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

}  // namespace

absl::StatusOr<HttpReply> Fetch(const HttpCall& call) {
  InitCurlOnce();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (curl == nullptr) return absl::InternalError("libcurl could not start a call");
  CURL* c = curl.get();
  Body body;
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(call.timeout)));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  if (!call.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, call.ca_file.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, "Accept: application/json"), curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (!call.form_body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.form_body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.form_body.size()));
  }
  // RFC 6749 2.3.1: the id and secret are form-encoded before Basic encodes them.
  const std::string user = UrlEncode(call.basic_user);
  const std::string password = UrlEncode(call.basic_password);
  if (!call.basic_user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  if (const CURLcode done = curl_easy_perform(c); done != CURLE_OK && !body.too_big) {
    return absl::UnavailableError(
        absl::StrCat(call.url, ": ", error[0] != '\0' ? error : curl_easy_strerror(done)));
  }
  if (body.too_big) {
    return absl::ResourceExhaustedError(
        absl::StrCat(call.url, ": the reply is over ", kMaxReplyBytes, " bytes"));
  }
  HttpReply reply;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.body = std::move(body.text);
  return reply;
}

std::string UrlEncode(absl::string_view text) {
  InitCurlOnce();
  std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), curl_free);
  return escaped == nullptr ? std::string() : std::string(escaped.get());
}

}  // namespace psc::web::oidc
