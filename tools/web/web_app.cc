#include "tools/web/web_app.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/web/compression.h"
#include "tools/web/pages.h"

namespace psc::web {
namespace {

constexpr char kSessionCookie[] = "psc_session";
constexpr size_t kServerThreads = 32;

// What every response carries: no script but psc-web's own files, no framing, no sniffing, no
// referrer beyond this site.
const httplib::Headers& SecurityHeaders() {
  static const auto* headers = new httplib::Headers{
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self' https://assets.nhs.uk; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; "
       "base-uri 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "same-origin"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  return *headers;
}

}  // namespace

std::string CookieValue(const httplib::Request& request, absl::string_view name) {
  const std::string header = request.get_header_value("Cookie");
  for (absl::string_view part : absl::StrSplit(header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::StartsWith(part, name) && part.size() > name.size() && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
  }
  return "";
}

std::string LocalPath(const std::string& path) {
  if (path.empty() || path[0] != '/' || absl::StartsWith(path, "//") ||
      absl::StrContains(path, "\\")) {
    return "/search";
  }
  return path;
}

absl::StatusOr<StaticFiles> LoadAssets(const std::string& nhsuk_dir, const std::string& static_dir,
                                       bool nhs_fonts) {
  // Each "@font-face{...}" rule (the minified stylesheet has no braces inside them).
  StaticFiles::Transform without_fonts = [](std::string css) {
    std::string out;
    size_t at = 0;
    for (size_t rule; (rule = css.find("@font-face{", at)) != std::string::npos;) {
      const size_t end = css.find('}', rule);
      if (end == std::string::npos) break;
      out.append(css, at, rule - at);
      at = end + 1;
    }
    return out.append(css, at, std::string::npos);
  };
  // The script first: init.js imports it by its plain URL, which becomes its hashed one.
  return StaticFiles::Load(
      {{nhsuk_dir + "/nhsuk-frontend.min.js", "nhsuk-frontend.min.js", "text/javascript"},
       {nhsuk_dir + "/nhsuk-frontend.min.css", "nhsuk-frontend.min.css", "text/css",
        nhs_fonts ? StaticFiles::Transform() : without_fonts},
       {static_dir + "/psc-web.css", "psc-web.css", "text/css"},
       {static_dir + "/init.js", "init.js", "text/javascript"}},
      {{"/nhsuk/nhsuk-frontend.min.js", "nhsuk-frontend.min.js"}});
}

WebApp::WebApp(WebOptions options, client::RegistryClient* gateway, Users users,
               SessionSigner signer, StaticFiles assets, oidc::RelyingParty* oidc)
    : options_(std::move(options)),
      gateway_(gateway),
      users_(std::move(users)),
      signer_(std::move(signer)),
      assets_(std::move(assets)),
      oidc_(oidc),
      revocations_(options_.session_lifetime) {}

void WebApp::Register(httplib::Server& server) {
  server.set_default_headers(SecurityHeaders());
  server.set_payload_max_length(options_.max_body_bytes);
  // Threads for page requests (each waits on pscd), and idle keep-alive connections let go
  // soon, so a few idle browsers cannot hold every thread.
  server.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  server.set_keep_alive_timeout(2);
  server.set_pre_routing_handler([this](const httplib::Request& request,
                                        httplib::Response& response) {
    // Behind the proxy every request comes from its address: limit each user instead.
    const std::string key = FromTrustedProxy(request)
                                ? "user " + request.get_header_value(options_.user_header.c_str())
                                : "address " + request.remote_addr;
    if (TakeToken(key)) return httplib::Server::HandlerResponse::Unhandled;
    response.set_header("Retry-After", "1");
    Plain(response, 429, "Too many requests", "Wait a moment, then try again.");
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_exception_handler(
      [this](const httplib::Request& request, httplib::Response& response, std::exception_ptr) {
        std::cerr << "psc-web: an error serving " << request.method << " " << request.path << "\n";
        Plain(response, 500, "Sorry, there is a problem with the service", "Try again later.");
      });
  server.set_error_handler([this](const httplib::Request&, httplib::Response& response) {
    // A page already made (its body given, or provided compressed) stays as it is.
    if (!response.body.empty() || response.content_provider_) return;
    if (response.status == 404) {
      Plain(response, 404, "Page not found", "Check the address, or start from the search.");
    } else if (response.status == 413) {
      Plain(response, 413, "That was too much to send",
            absl::StrCat("A form can send at most ", options_.max_body_bytes / 1024,
                         " KB, and nothing was saved. Go back, shorten the longest text and "
                         "try again."));
    } else if (response.status == 400) {
      Plain(response, 400, "That did not arrive whole", "Nothing was saved. Try again.");
    }
  });
  if (!options_.nhsuk_dir.empty()) {
    server.set_mount_point("/nhsuk", options_.nhsuk_dir);
    // The NHS.UK stylesheet refers to its images at /assets/images/...
    server.set_mount_point("/assets", options_.nhsuk_dir + "/assets");
  }
  server.Get(R"(/static/v/[^/]+)",
             [this](const httplib::Request& request, httplib::Response& response) {
               assets_.Serve(request, response);
             });
  if (!options_.static_dir.empty()) server.set_mount_point("/static", options_.static_dir);
  // Files by their plain names (the icons the stylesheet names): a day in the cache.
  server.set_file_request_handler([](const httplib::Request&, httplib::Response& response) {
    response.set_header("Cache-Control", "public, max-age=86400");
  });

  server.Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_redirect("/search", 303);
  });
  if (oidc_ != nullptr) {
    server.Get("/login", [this](const auto& q, auto& r) { OidcSignIn(q, r); });
    server.Get("/oidc/callback", [this](const auto& q, auto& r) { OidcCallback(q, r); });
    server.Post("/oidc/backchannel-logout",
                Form([this](const auto& q, auto& r) { BackchannelLogout(q, r); }));
  } else {
    server.Get("/login", [this](const auto& q, auto& r) { LoginPage(q, r); });
  }
  server.Get("/signed-out", [this](const auto& q, auto& r) { SignedOutPage(q, r); });
  server.Post("/login", Form([this](const auto& q, auto& r) { Login(q, r); }));
  server.Post("/logout", Form([this](const auto& q, auto& r) { Logout(q, r); }));
  server.Get("/search", Page(SearchPage));
  server.Get("/experts", Page(ExpertFinderPage));
  server.Get(R"(/experts/([a-z0-9-]+))", Page(ExpertPage));
  server.Post(R"(/experts/([a-z0-9-]+))", Form(Page(RequestExpertDays)));
  server.Get("/inbox", Page(InboxPage));
  server.Post("/inbox", Form(Page(DecideRequest)));
  server.Get("/initiatives/new", Page(NewInitiativePage));
  server.Post("/initiatives/new", Form(Page(CreateInitiative)));
  server.Get(R"(/initiatives/([a-z0-9-]+)/edit)", Page(EditInitiativePage));
  server.Post(R"(/initiatives/([a-z0-9-]+)/edit)", Form(Page(UpdateInitiative)));
  server.Get(R"(/initiatives/([a-z0-9-]+))", Page(InitiativePage));
  server.Post(R"(/initiatives/([a-z0-9-]+))", Form(Page(AskToJoin)));
  server.Get(R"(/caseStudies/([a-z0-9-]+))", Page(CaseStudyPage));
  server.Get("/report", Page(ReportPage));
}

httplib::Server::Handler WebApp::Page(Handler handler) {
  return [this, handler](const httplib::Request& request, httplib::Response& response) {
    Session session = SessionOf(request, response);
    auto principal = PrincipalOf(request, session);
    if (!principal.ok()) {
      Plain(response, 403, "You cannot use this service yet",
            std::string(principal.status().message()));
      return;
    }
    if (principal->empty()) {
      if (SessionsSignIn()) {
        response.set_redirect(
            absl::StrCat("/login?next=", httplib::detail::encode_query_param(request.path)), 303);
      } else {
        Plain(response, 401, "Sign in to use this service",
              "Sign in through your organisation's account, then come back to this page.");
      }
      return;
    }
    if (request.method == "POST" && !signer_.CheckCsrf(session, request.get_param_value("csrf"))) {
      Plain(response, 403, "This form has expired",
            "Nothing was changed. Go back, reload the page and try again.");
      return;
    }
    std::unique_ptr<client::RegistryClient> registry = gateway_->ActingFor(*principal);
    auto who = registry->GetCaller();
    if (!who.ok()) {
      const bool down = who.status().code() == absl::StatusCode::kUnavailable ||
                        who.status().code() == absl::StatusCode::kDeadlineExceeded;
      Plain(response, down ? 503 : 403,
            down ? "The registry is not available just now" : "The registry does not know you",
            down ? "Try again in a minute." : "Ask the national team to add you to the registry.");
      return;
    }
    RenewIdle(session, response);
    const config::User* user = users_.FindByPrincipal(*principal);
    std::string name = !session.display_name.empty() ? session.display_name
                       : user != nullptr             ? user->display_name()
                                                     : who->identity();
    Viewer viewer{std::move(name), *std::move(who)};
    PageRequest page(request, response, *registry, std::move(viewer), signer_.CsrfToken(session),
                     assets_);
    handler(page);
  };
}

httplib::Server::HandlerWithContentReader WebApp::Form(httplib::Server::Handler handler) {
  return [this, handler](const httplib::Request& request, httplib::Response& response,
                         const httplib::ContentReader& read) {
    std::string body;
    bool too_big = false;
    const bool whole = read([&](const char* data, size_t size) {
      too_big = body.size() + size > options_.max_body_bytes;
      if (!too_big) body.append(data, size);
      return !too_big;
    });
    if (!whole) {
      // Over the limit (ours, or httplib's own check of the length, the same): 413; else the
      // body broke off.
      response.status =
          too_big || request.get_header_value<uint64_t>("Content-Length") > options_.max_body_bytes
              ? 413
              : 400;
      return;  // the error handler says so in words
    }
    // A copy whose params hold the form's fields; its path matches still point into
    // `request`, which outlives the call.
    httplib::Request form = request;
    if (absl::StartsWith(request.get_header_value("Content-Type"),
                         "application/x-www-form-urlencoded")) {
      httplib::detail::parse_query_text(body, form.params);
    }
    form.body = std::move(body);
    handler(form, response);
  };
}

Session WebApp::SessionOf(const httplib::Request& request, httplib::Response& response) const {
  const absl::Time now = absl::Now();
  if (auto session = signer_.Open(CookieValue(request, kSessionCookie), now)) return *session;
  Session session = signer_.Start("", now, options_.session_lifetime, options_.session_idle);
  SetSessionCookie(response, session);
  return session;
}

void WebApp::RenewIdle(Session& session, httplib::Response& response) const {
  const absl::Time now = absl::Now();
  const absl::Time renewed = std::min(now + options_.session_idle, session.expires);
  // Once a minute at most: most pages then set no cookie.
  if (renewed - session.idle_expires < absl::Minutes(1)) return;
  session.idle_expires = renewed;
  SetSessionCookie(response, session);
}

void WebApp::SetSessionCookie(httplib::Response& response, const Session& session) const {
  response.set_header(
      "Set-Cookie",
      absl::StrCat(
          kSessionCookie, "=", signer_.Seal(session), "; Path=/; HttpOnly; SameSite=Strict",
          options_.secure_cookies ? "; Secure" : "",
          "; Max-Age=", std::max<int64_t>(0, absl::ToInt64Seconds(session.expires - absl::Now()))));
}

absl::StatusOr<std::string> WebApp::PrincipalOf(const httplib::Request& request,
                                                const Session& session) const {
  if (FromTrustedProxy(request)) {
    const std::string name = request.get_header_value(options_.user_header.c_str());
    const config::User* user = users_.Find(name);
    if (user == nullptr) {
      return absl::PermissionDeniedError(absl::StrCat(
          "You are signed in as ", name.substr(0, 200),
          ", but the registry has no account for you. Ask your patient safety lead to add you."));
    }
    return user->principal();
  }
  if (SessionsSignIn() && !revocations_.IsEnded(session)) return session.principal;
  return std::string();
}

bool WebApp::FromTrustedProxy(const httplib::Request& request) const {
  return request.has_header(options_.user_header.c_str()) &&
         std::find(options_.trusted_proxies.begin(), options_.trusted_proxies.end(),
                   request.remote_addr) != options_.trusted_proxies.end();
}

bool WebApp::TakeToken(const std::string& address) {
  const absl::Time now = absl::Now();
  MutexLock lock(&buckets_mu_);
  if (buckets_.size() > 10000) buckets_.clear();  // bounded: forget every address at once
  auto it = buckets_.try_emplace(address, options_.requests_per_second, options_.request_burst, now)
                .first;
  return it->second.Take(now);
}

void WebApp::LoginPage(const httplib::Request& request, httplib::Response& response) {
  if (!options_.dev_login) {
    Plain(response, 404, "Page not found", "Sign in through your organisation's account.");
    return;
  }
  const Session session = SessionOf(request, response);
  Data data;
  AddAssetUrls(assets_, data);
  data.set("title", "Sign in (development)");
  data.set("csrf", signer_.CsrfToken(session));
  data.set("next", LocalPath(request.get_param_value("next")));
  List users;
  for (const config::User& user : users_.all()) {
    Data entry;
    entry.set("principal", user.principal());
    entry.set("name", user.display_name());
    entry.set("id", absl::StrCat("user-", users.size()));
    entry.set("checked", users.empty());
    users.push_back(entry);
  }
  data.set("users", users);
  SetCompressedBody(request, response, Templates::RenderPage("login", data),
                    "text/html; charset=utf-8");
}

void WebApp::Login(const httplib::Request& request, httplib::Response& response) {
  const Session session = SessionOf(request, response);
  if (!options_.dev_login || !signer_.CheckCsrf(session, request.get_param_value("csrf"))) {
    Plain(response, 403, "This form has expired", "Go back, reload the page and try again.");
    return;
  }
  const config::User* user = users_.FindByPrincipal(request.get_param_value("principal"));
  if (user == nullptr) {
    Plain(response, 400, "Choose who to sign in as", "Go back and choose one of the users.");
    return;
  }
  // A new session id on sign-in, so a token issued before it is worthless after.
  SetSessionCookie(response, signer_.Start(user->principal(), absl::Now(),
                                           options_.session_lifetime, options_.session_idle));
  response.set_redirect(LocalPath(request.get_param_value("next")), 303);
}

void WebApp::Logout(const httplib::Request& request, httplib::Response& response) {
  const Session session = SessionOf(request, response);
  if (!signer_.CheckCsrf(session, request.get_param_value("csrf"))) {
    Plain(response, 403, "This form has expired", "Go back, reload the page and try again.");
    return;
  }
  const absl::Time now = absl::Now();
  // A copy of the cookie kept elsewhere is worthless from now on.
  revocations_.EndSession(session.id, now);
  SetSessionCookie(response,
                   signer_.Start("", now, options_.session_lifetime, options_.session_idle));
  if (oidc_ != nullptr) {
    LogSignIn("sign-out", session.user, "ok");
    // Signed out of the provider too, when it offers that; it comes back to /signed-out. A page
    // that goes on by itself, not a redirect: the policy lets forms post only to this site.
    const std::string end = oidc_->EndSessionUrl();
    if (end.empty()) {
      response.set_redirect("/signed-out", 303);
      return;
    }
    Data data;
    AddAssetUrls(assets_, data);
    data.set("title", "Signing out");
    data.set("message",
             "You have signed out of the PSC Registry. Now signing you out of your "
             "organisation's account.");
    data.set("continue_to", end);
    response.set_content(Templates::RenderPage("continue", data), "text/html; charset=utf-8");
    return;
  }
  response.set_redirect(options_.dev_login ? "/login" : "/search", 303);
}

void WebApp::Plain(httplib::Response& response, int status, const std::string& title,
                   const std::string& message) const {
  Data data;
  AddAssetUrls(assets_, data);
  data.set("title", title);
  data.set("message", message);
  response.status = status;
  response.set_content(Templates::RenderPage("plain", data), "text/html; charset=utf-8");
}

}  // namespace psc::web
