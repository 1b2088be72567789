// psc-web's OpenID Connect routes (WebApp members): /login sends the browser to the provider,
// /oidc/callback signs in whom it sends back, /oidc/backchannel-logout ends sessions the
// provider ended, /signed-out says goodbye. Every sign-in, refusal and sign-out is logged with
// the user, the outcome and the reason; never a code or token.

#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "tools/web/templates.h"
#include "tools/web/web_app.h"

namespace psc::web {
namespace {

// The sign-in flow's cookie: sent back only to /oidc/callback, and (SameSite=Lax) on the
// provider's redirect there, which is a cross-site navigation.
constexpr char kFlowCookie[] = "psc_oidc";
constexpr absl::Duration kFlowLifetime = absl::Minutes(10);

// `text` cut to `max` bytes, with quotes, backslashes and control characters escaped: a value
// from the provider or the browser cannot forge or break a log line.
std::string LogSafe(absl::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    const bool plain = static_cast<unsigned char>(c) >= 0x20 && c != 0x7f && c != '"' && c != '\\';
    if (plain) {
      out.push_back(c);
    } else {
      out += absl::CHexEscape(absl::string_view(&c, 1));
    }
  }
  return out;
}

bool ProviderDown(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

void LogSignIn(absl::string_view event, absl::string_view user, absl::string_view outcome,
               absl::string_view reason) {
  std::string line = absl::StrCat(
      "psc-web: ", event, " user=", user.empty() ? "-" : LogSafe(user, 200), " outcome=", outcome);
  if (!reason.empty()) absl::StrAppend(&line, " reason=\"", LogSafe(reason, 300), "\"");
  std::cerr << line + "\n";
}

void WebApp::OidcSignIn(const httplib::Request& request, httplib::Response& response) {
  auto start = oidc_->BeginSignIn(LocalPath(request.get_param_value("next")));
  if (!start.ok()) {
    LogSignIn("sign-in", "", "provider-unavailable", start.status().message());
    Plain(response, 503, "Sign-in is not available just now",
          "Your organisation's sign-in service is not answering, so nobody can sign in at the "
          "moment. Try again in a few minutes. If you were signed in already, you still are.");
    return;
  }
  response.set_header(
      "Set-Cookie",
      absl::StrCat(kFlowCookie, "=",
                   signer_.SealValue(oidc::EncodeFlow(start->flow), absl::Now() + kFlowLifetime),
                   "; Path=/oidc/; HttpOnly; SameSite=Lax",
                   options_.secure_cookies ? "; Secure" : "",
                   "; Max-Age=", absl::ToInt64Seconds(kFlowLifetime)));
  response.set_redirect(start->authorization_url, 303);
}

void WebApp::OidcCallback(const httplib::Request& request, httplib::Response& response) {
  const absl::Time now = absl::Now();
  // The flow is used once, whatever happens.
  response.set_header("Set-Cookie", absl::StrCat(kFlowCookie,
                                                 "=; Path=/oidc/; HttpOnly; "
                                                 "SameSite=Lax; Max-Age=0"));
  std::optional<oidc::SignInFlow> flow;
  if (auto text = signer_.OpenValue(CookieValue(request, kFlowCookie), now))
    flow = oidc::DecodeFlow(*text);
  if (!flow.has_value()) {
    LogSignIn("sign-in", "", "refused", "no sign-in in progress in this browser");
    Plain(response, 400, "This sign-in has expired",
          "It took more than 10 minutes, or it began in another browser. Nothing was signed in. "
          "Start again from the sign-in link.");
    return;
  }
  auto signed_in =
      oidc_->FinishSignIn(*flow, request.get_param_value("state"), request.get_param_value("code"),
                          request.get_param_value("error"), now);
  if (!signed_in.ok()) {
    if (ProviderDown(signed_in.status())) {
      LogSignIn("sign-in", "", "provider-unavailable", signed_in.status().message());
      Plain(response, 503, "Sign-in is not available just now",
            "Your organisation's sign-in service did not answer, so you are not signed in. Try "
            "again in a few minutes.");
      return;
    }
    LogSignIn("sign-in", "", "refused", signed_in.status().message());
    Plain(response, 400, "You are not signed in",
          absl::StrCat("Your organisation's sign-in service did not confirm who you are, so you "
                       "are not signed in. Start again; if it happens again, tell ",
                       options_.access_contact, "."));
    return;
  }
  const config::User* entry = users_.Find(signed_in->user);
  if (entry == nullptr) entry = users_.FindGroup(signed_in->groups);
  if (entry == nullptr) {
    LogSignIn("sign-in", signed_in->user, "refused", "no registry user or group");
    Data data;
    AddAssetUrls(assets_, data);
    data.set("title", "You do not have access to the PSC Registry");
    data.set("user", signed_in->user);
    data.set("contact", options_.access_contact);
    response.status = 403;
    response.set_content(Templates::RenderPage("no_access", data), "text/html; charset=utf-8");
    return;
  }
  Session session =
      signer_.Start(entry->principal(), now, options_.session_lifetime, options_.session_idle);
  session.user = signed_in->user;
  session.display_name = signed_in->name;
  session.subject = signed_in->subject;
  session.provider_session = signed_in->provider_session;
  SetSessionCookie(response, session);
  LogSignIn("sign-in", signed_in->user, "ok", absl::StrCat("as ", entry->principal()));
  // A page that goes on by itself: the session cookie is SameSite=Strict, and a browser does not
  // send it on a redirect that the provider's (cross-site) redirect began.
  Data data;
  AddAssetUrls(assets_, data);
  data.set("title", "Signed in");
  data.set("message", absl::StrCat("You are signed in as ", signed_in->name, "."));
  data.set("continue_to", flow->next);
  response.set_content(Templates::RenderPage("continue", data), "text/html; charset=utf-8");
}

void WebApp::BackchannelLogout(const httplib::Request& request, httplib::Response& response) {
  response.set_header("Cache-Control", "no-store");
  const absl::Time now = absl::Now();
  auto logout = oidc_->CheckLogoutToken(request.get_param_value("logout_token"), now);
  if (!logout.ok()) {
    LogSignIn("back-channel-logout", "", "refused", logout.status().message());
    response.status = 400;
    response.set_content(R"({"error":"invalid_request"})", "application/json");
    return;
  }
  if (!logout->provider_session.empty()) {
    revocations_.EndProviderSession(logout->provider_session, now);
  } else {
    revocations_.EndSubject(logout->subject, now);
  }
  LogSignIn("back-channel-logout", logout->subject, "ok",
            logout->provider_session.empty() ? "every session of the subject" : "one session");
  response.status = 200;
}

void WebApp::SignedOutPage(const httplib::Request&, httplib::Response& response) {
  Plain(response, 200, "You have signed out", "You have signed out of the PSC Registry.");
}

}  // namespace psc::web
