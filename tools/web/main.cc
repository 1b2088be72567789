// psc-web: the PSC Registry in a browser, in the NHS.UK design system. A client of pscd through
// the project's client library, with its own GATEWAY certificate; each page's calls act for the
// signed-in user (docs/web.md).

#include <signal.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "psc/client/error_details.h"
#include "psc/client/registry_client.h"
#include "server/common/loopback.h"
#include "tools/web/oidc/relying_party.h"
#include "tools/web/templates.h"
#include "tools/web/web_app.h"

namespace {

constexpr char kFooter[] = R"(Examples:
  psc-web --dev-login --users certs/web-users.json \
    --ca certs/ca.crt --cert certs/gateway.crt --key certs/gateway.key
  psc-web --listen 0.0.0.0:8080 --public-url https://registry.example.nhs.uk \
    --oidc-issuer https://login.microsoftonline.com/TENANT/v2.0 --oidc-client-id ID \
    --oidc-client-secret-file /etc/psc-web/client.secret --oidc-user-claim preferred_username \
    --users /etc/psc-web/users.json --session-key-file /etc/psc-web/session.key
  psc-web --listen 0.0.0.0:8080 --trusted-proxy 10.0.0.5 --users /etc/psc-web/users.json \
    --target registry.internal:50051 --session-key-file /etc/psc-web/session.key

Identity, exactly one of: --oidc-issuer (people sign in through the organisation's OpenID
provider; the --oidc-user-claim, or a group of --oidc-groups-claim, is looked up in --users);
--trusted-proxy (behind an authenticating proxy, the user named in --user-header from those
addresses only); --dev-login (loopback only: a page to pick one of the --users).)";

// "HOST:PORT" (an IPv6 host in brackets).
bool SplitListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), port) ||
      *port < 0 || *port > 65535) {
    return false;
  }
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return !host->empty();
}

// Whether `url` (http://HOST[:PORT]/...) names this machine.
bool IsLoopbackHttpUrl(const std::string& url) {
  std::string authority = url.substr(7, url.find('/', 7) - 7);
  if (authority.rfind(':') == std::string::npos || authority.back() == ']') authority += ":80";
  return psc::IsLoopbackAddress(authority);
}

// The client secret's file: its first line (a trailing newline is not part of it).
bool ReadSecret(const std::string& path, std::string* secret) {
  std::ifstream in(path);
  return in && std::getline(in, *secret) && !secret->empty();
}

int Fail(const std::string& message) {
  std::cerr << "psc-web: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks lock order on every absl::Mutex lock (gRPC's too): see pscd's main.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{"psc-web: the PSC Registry in a browser"};
  app.footer(kFooter);
  std::string listen = "127.0.0.1:8080", users_file, session_key_file, tls_cert, tls_key;
  psc::client::ClientOptions client;
  psc::web::WebOptions web;
  web.nhsuk_dir = PSC_WEB_NHSUK_DIR;
  web.static_dir = PSC_WEB_STATIC_DIR;
  app.add_option("--listen", listen, "HOST:PORT to serve on (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--target", client.target, "pscd address")
      ->envname("PSC_TARGET")
      ->capture_default_str();
  app.add_option("--ca", client.ca_file, "PEM CA certificate that signed pscd's")
      ->envname("PSC_CA");
  app.add_option("--cert", client.cert_file, "psc-web's PEM client certificate (a GATEWAY)")
      ->envname("PSC_CERT");
  app.add_option("--key", client.key_file, "psc-web's PEM client private key")->envname("PSC_KEY");
  app.add_flag("--insecure", client.insecure, "Plaintext to a pscd started with --insecure")
      ->envname("PSC_INSECURE");
  app.add_option("--users", users_file, "Users file: each user's pscd principal (users.proto)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_flag("--dev-login", web.dev_login,
               "Offer a page to sign in as any user of --users (loopback --listen only)");
  app.add_option("--trusted-proxy", web.trusted_proxies,
                 "Address of the authenticating proxy whose --user-header is trusted (repeat)");
  app.add_option("--user-header", web.user_header, "Header naming the proxy's signed-in user")
      ->capture_default_str();
  app.add_option("--session-key-file", session_key_file,
                 "At least 32 bytes that sign session cookies (default: random at start, so "
                 "sessions end on restart)")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-cert", tls_cert, "Serve HTTPS with this PEM certificate")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", tls_key, "and this PEM key")->check(CLI::ExistingFile);
  app.add_flag("--secure-cookies", web.secure_cookies,
               "Mark cookies Secure (when a proxy in front serves HTTPS; on with --tls-cert)");
  app.add_option("--rate", web.requests_per_second,
                 "Requests a second each user (behind the proxy) or address may make")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--burst", web.request_burst, "Requests beyond --rate allowed in a burst")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--nhsuk-dir", web.nhsuk_dir, "nhsuk-frontend's dist/nhsuk directory")
      ->capture_default_str();
  app.add_option("--static-dir", web.static_dir, "psc-web's static directory")
      ->capture_default_str();
  bool no_nhs_fonts = false;
  app.add_flag("--no-nhs-fonts", no_nhs_fonts,
               "Leave out the NHS.UK frontend's Frutiger web fonts, which browsers fetch from "
               "assets.nhs.uk (an NHS licence, and internet access): pages use Arial, the "
               "design system's fallback");
  psc::web::oidc::RelyingPartyOptions oidc;
  std::string public_url, oidc_secret_file;
  int session_hours = 12, session_idle_minutes = 60;
  app.add_option("--oidc-issuer", oidc.issuer,
                 "Sign people in through this OpenID provider (its issuer URL, exactly)");
  app.add_option("--oidc-client-id", oidc.client_id, "psc-web's client id at the provider");
  app.add_option("--oidc-client-secret-file", oidc_secret_file,
                 "File holding psc-web's client secret (client_secret_basic)")
      ->check(CLI::ExistingFile);
  std::string oidc_key_file;
  app.add_option("--oidc-client-key-file", oidc_key_file,
                 "File holding psc-web's private key as a JWK with a kid (private_key_jwt), "
                 "instead of a client secret")
      ->check(CLI::ExistingFile);
  app.add_option("--oidc-scopes", oidc.scopes, "Scopes to ask for")->capture_default_str();
  app.add_option("--oidc-user-claim", oidc.user_claim, "The ID token claim looked up in --users")
      ->check(CLI::IsMember({"email", "preferred_username", "sub"}))
      ->capture_default_str();
  app.add_option("--oidc-groups-claim", oidc.groups_claim,
                 "The ID token claim listing the user's groups (--users entries may name one)");
  app.add_option("--oidc-ca", oidc.ca_file,
                 "PEM CAs to trust for the provider's HTTPS (default: the system's)")
      ->check(CLI::ExistingFile);
  app.add_option("--public-url", public_url,
                 "psc-web's URL as browsers and the provider reach it (default: http://--listen); "
                 "the provider must know PUBLIC_URL/oidc/callback, /signed-out and "
                 "/oidc/backchannel-logout");
  app.add_option("--session-hours", session_hours, "A session ends this long after sign-in")
      ->capture_default_str()
      ->check(CLI::Range(1, 24 * 30));
  app.add_option("--session-idle-minutes", session_idle_minutes,
                 "... or after this long without a request")
      ->capture_default_str()
      ->check(CLI::Range(1, 24 * 60));
  app.add_option("--access-contact", web.access_contact,
                 "Whom someone signed in but unknown to --users should ask for access")
      ->capture_default_str();
  app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt key is an error
  app.set_config("--config", "",
                 "TOML file of flags, `flag = value` without the dashes; the command line wins");
  CLI11_PARSE(app, argc, argv);
  web.session_lifetime = absl::Hours(session_hours);
  web.session_idle = absl::Minutes(session_idle_minutes);

  std::string host;
  int port = 0;
  if (!SplitListen(listen, &host, &port)) return Fail("--listen wants HOST:PORT, not " + listen);
  if (web.dev_login && !psc::IsLoopbackAddress(listen)) {
    return Fail("--dev-login lets anyone be anyone: it needs a loopback --listen");
  }
  const int modes =
      int{web.dev_login} + int{!web.trusted_proxies.empty()} + int{!oidc.issuer.empty()};
  if (modes != 1) {
    return Fail(
        "choose exactly one way to sign people in: --oidc-issuer, --trusted-proxy or "
        "--dev-login");
  }
  if (!oidc.issuer.empty()) {
    if (oidc.client_id.empty() || oidc_secret_file.empty() == oidc_key_file.empty()) {
      return Fail(
          "--oidc-issuer needs --oidc-client-id and one of --oidc-client-secret-file or "
          "--oidc-client-key-file");
    }
    if (!oidc_secret_file.empty() && !ReadSecret(oidc_secret_file, &oidc.client_secret)) {
      return Fail(oidc_secret_file + ": cannot read a client secret from it");
    }
    if (!oidc_key_file.empty()) {
      std::ifstream in(oidc_key_file);
      std::stringstream text;
      text << in.rdbuf();
      auto key = psc::web::oidc::ClientKey::FromJwk(text.str());
      if (!key.ok()) return Fail(oidc_key_file + ": " + std::string(key.status().message()));
      oidc.client_key = std::make_shared<const psc::web::oidc::ClientKey>(*std::move(key));
    }
    if (!absl::StartsWith(oidc.issuer, "https://") &&
        !(absl::StartsWith(oidc.issuer, "http://") && IsLoopbackHttpUrl(oidc.issuer))) {
      return Fail("--oidc-issuer must be an https:// URL (http:// only on this machine, to test)");
    }
  } else if (!oidc.client_id.empty() || !oidc_secret_file.empty() || !oidc_key_file.empty()) {
    return Fail("--oidc-client-id and its secret or key file go with --oidc-issuer");
  }
  if (tls_cert.empty() != tls_key.empty()) return Fail("--tls-cert and --tls-key go together");
  if (!tls_cert.empty()) web.secure_cookies = true;
  if (auto checked = psc::web::Templates::CheckAll(); !checked.ok()) {
    return Fail(std::string(checked.message()));
  }
  auto users = psc::web::Users::Load(users_file);
  if (!users.ok()) return Fail(std::string(users.status().message()));
  std::optional<psc::web::SessionSigner> signer;
  if (session_key_file.empty()) {
    signer.emplace(psc::web::SessionSigner::WithRandomKey());
  } else {
    std::ifstream in(session_key_file, std::ios::binary);
    std::stringstream key;
    key << in.rdbuf();
    if (key.str().size() < 32) return Fail(session_key_file + ": a session key needs 32 bytes");
    signer.emplace(key.str());
  }

  // psc-web's own certificate must be a GATEWAY: pscd then refuses a call without a user.
  psc::client::RegistryClient gateway(client);
  auto self = gateway.GetCaller();
  if (self.ok()) {
    return Fail(absl::StrCat("the certificate is ", self->identity(), ", a ",
                             psc::registry::v1::Role_Name(self->role()),
                             ": psc-web needs a GATEWAY principal"));
  }
  const absl::StatusCode code = self.status().code();
  if (code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded) {
    // pscd may start after psc-web: pages say so until it does.
    std::cerr << "psc-web: warning: pscd at " << client.target
              << " did not answer yet: " << self.status() << "\n";
  } else if (psc::client::GetErrorDetails(self.status()).reason != "GATEWAY_NEEDS_USER") {
    return Fail(absl::StrCat("pscd at ", client.target, " refused psc-web's identity: ",
                             self.status().ToString()));  // missing TLS files, unknown principal
  }

  std::unique_ptr<httplib::Server> server;
  if (tls_cert.empty()) {
    server = std::make_unique<httplib::Server>();
  } else {
    server = std::make_unique<httplib::SSLServer>(tls_cert.c_str(), tls_key.c_str());
  }
  auto assets = psc::web::LoadAssets(web.nhsuk_dir, web.static_dir, !no_nhs_fonts);
  if (!assets.ok()) return Fail(std::string(assets.status().message()));
  if (port == 0) {
    port = server->bind_to_any_port(host);
    if (port < 0) return Fail("cannot listen on " + listen);
  } else if (!server->bind_to_port(host, port)) {
    return Fail("cannot listen on " + listen);
  }
  const std::string url_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (public_url.empty()) {
    public_url = absl::StrCat(tls_cert.empty() ? "http" : "https", "://", url_host, ":", port);
  }
  while (absl::EndsWith(public_url, "/")) public_url.pop_back();
  std::unique_ptr<psc::web::oidc::RelyingParty> relying_party;
  if (!oidc.issuer.empty()) {
    oidc.redirect_uri = public_url + "/oidc/callback";
    oidc.post_logout_redirect_uri = public_url + "/signed-out";
    relying_party = std::make_unique<psc::web::oidc::RelyingParty>(oidc);
  }
  psc::web::WebApp web_app(web, &gateway, *std::move(users), *std::move(signer), *std::move(assets),
                           relying_party.get());
  web_app.Register(*server);

  // SIGTERM and SIGINT stop the server: blocked here, waited for on a thread of their own.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::atomic<bool> listen_returned = false;
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    // httplib's stop() does nothing until the listening loop has started (which would then run
    // for ever): a signal that comes just before it must wait for it.
    while (!server->is_running() && !listen_returned) absl::SleepFor(absl::Microseconds(100));
    server->stop();
  });
  std::cout << "psc-web: serving " << (tls_cert.empty() ? "http" : "https") << "://" << url_host
            << ":" << port << "/"
            << (web.dev_login              ? " (dev login)"
                : relying_party != nullptr ? " (sign-in through " + oidc.issuer + ")"
                                           : " (behind a trusted proxy)")
            << std::endl;
  const bool served = server->listen_after_bind();
  listen_returned = true;
  pthread_kill(stopper.native_handle(), SIGTERM);  // if the server ended by itself
  stopper.join();
  return served ? 0 : 1;
}
