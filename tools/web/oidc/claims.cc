#include "tools/web/oidc/claims.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace psc::web::oidc {
namespace {

constexpr char kLogoutEvent[] = "http://schemas.openid.net/event/backchannel-logout";

// A NumericDate (seconds, possibly fractional or absurd) as a time, clamped to the infinities.
absl::Time TimeOf(double seconds) {
  if (!(seconds > -1e12)) return absl::InfinitePast();
  if (seconds > 1e12) return absl::InfiniteFuture();
  return absl::FromUnixSeconds(static_cast<int64_t>(seconds));
}

absl::Status Refused(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("the token is refused: ", why));
}

// iss, aud and azp: who made the token and for whom.
absl::Status CheckParties(const JsonObject& claims, const ClaimChecks& checks) {
  if (StringField(claims, "iss") != checks.issuer) {
    return Refused(absl::StrCat("iss is not ", checks.issuer));
  }
  const std::vector<std::string> audience = StringsField(claims, "aud");
  if (std::find(audience.begin(), audience.end(), checks.client_id) == audience.end()) {
    return Refused("aud does not name this client");
  }
  const std::string azp = StringField(claims, "azp");
  if (audience.size() > 1 && azp.empty()) return Refused("azp is missing with several audiences");
  if (!azp.empty() && azp != checks.client_id) return Refused("azp is another client");
  return absl::OkStatus();
}

// iat: present, and not ahead of psc-web's clock by more than the skew.
absl::Status CheckIssuedAt(const JsonObject& claims, const ClaimChecks& checks,
                           std::optional<double>* iat) {
  *iat = NumberField(claims, "iat");
  if (!iat->has_value()) return Refused("iat is missing");
  if (TimeOf(**iat) > checks.now + checks.skew) {
    return Refused("iat is in the future");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckIdToken(const JsonObject& claims, const ClaimChecks& checks,
                          absl::string_view nonce) {
  if (absl::Status parties = CheckParties(claims, checks); !parties.ok()) return parties;
  const std::optional<double> exp = NumberField(claims, "exp");
  if (!exp.has_value()) return Refused("exp is missing");
  if (TimeOf(*exp) + checks.skew <= checks.now) {
    return Refused("it has expired (exp)");
  }
  std::optional<double> iat;
  if (absl::Status issued = CheckIssuedAt(claims, checks, &iat); !issued.ok()) return issued;
  if (nonce.empty() || StringField(claims, "nonce") != nonce) {
    return Refused("nonce is not this sign-in's");
  }
  if (StringField(claims, "sub").empty()) return Refused("sub is missing");
  return absl::OkStatus();
}

absl::Status CheckLogoutToken(const JsonObject& claims, const ClaimChecks& checks,
                              absl::Duration max_age) {
  if (absl::Status parties = CheckParties(claims, checks); !parties.ok()) return parties;
  std::optional<double> iat;
  if (absl::Status issued = CheckIssuedAt(claims, checks, &iat); !issued.ok()) return issued;
  if (TimeOf(*iat) + max_age + checks.skew < checks.now) {
    return Refused("iat is too old for a logout");
  }
  if (const std::optional<double> exp = NumberField(claims, "exp");
      exp.has_value() && TimeOf(*exp) + checks.skew <= checks.now) {
    return Refused("it has expired (exp)");
  }
  auto events = claims.fields().find("events");
  if (events == claims.fields().end() || !events->second.has_struct_value() ||
      events->second.struct_value().fields().count(kLogoutEvent) == 0) {
    return Refused("events does not hold a back-channel logout");
  }
  if (StringField(claims, "sub").empty() && StringField(claims, "sid").empty()) {
    return Refused("it names neither sub nor sid");
  }
  if (StringField(claims, "jti").empty()) return Refused("jti is missing");
  if (HasField(claims, "nonce")) return Refused("a logout token has no nonce");
  return absl::OkStatus();
}

}  // namespace psc::web::oidc
