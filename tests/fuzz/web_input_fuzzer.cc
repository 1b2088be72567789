// libFuzzer target: what a browser sends psc-web that psc-web parses itself, and what it shows
// of pscd's text. The first byte picks: a session cookie (SessionSigner::Open: nothing but a
// cookie it sealed may open, and one that opens seals back to itself), or a search snippet
// (SnippetSegments then the template: no markup from the snippet survives into the page).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tools/web/display.h"
#include "tools/web/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    static const psc::web::SessionSigner* signer =
        new psc::web::SessionSigner(std::string(32, 'k'));
    const absl::Time now = absl::FromUnixSeconds(1800000000);
    if (auto session = signer->Open(input, now)) {
      // Only a cookie the signer sealed opens; and it carries what it was sealed with.
      auto again = signer->Open(signer->Seal(*session), now);
      if (!again || again->principal != session->principal || again->id != session->id) {
        std::abort();
      }
    }
    return 0;
  }
  psc::web::Data page;
  page.set("s", psc::web::SnippetSegments(input));
  kainjow::mustache::mustache view(
      "{{#s}}{{#mark}}[{{text}}]{{/mark}}{{^mark}}{{text}}{{/mark}}{{/s}}");
  const std::string html = view.render(page);
  // Whatever the snippet held, the page gets text: no tag, no attribute quote.
  if (html.find_first_of("<>\"") != std::string::npos) std::abort();
  return 0;
}
