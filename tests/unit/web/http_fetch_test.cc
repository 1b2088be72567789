// psc-web's calls to the OpenID provider, against a real HTTP server on 127.0.0.1: replies up
// to the bound and one byte over it, Basic authentication as RFC 6749 encodes it, a form POST,
// and a server that is not there.

#include "tools/web/oidc/http_fetch.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace psc::web::oidc {
namespace {

class HttpFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/size/(\\d+)", [](const httplib::Request& request, httplib::Response& response) {
      response.set_content(std::string(std::stoul(request.matches[1].str()), 'x'), "text/plain");
    });
    server_.Post("/token", [](const httplib::Request& request, httplib::Response& response) {
      response.status = 400;
      response.set_content(
          absl::StrCat(request.get_header_value("Authorization"), "|", request.body), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() does nothing before the accept loop runs (Debian's cpp-httplib has no
    // wait_until_ready): wait for it, so every test may stop the server.
    while (!server_.is_running()) std::this_thread::yield();
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(HttpFetchTest, AReplyUpToTheBoundArrivesWholeAndOneByteMoreIsRefused) {
  auto whole = Fetch({.url = Url(absl::StrCat("/size/", kMaxReplyBytes))});
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body.size(), kMaxReplyBytes);
  auto over = Fetch({.url = Url(absl::StrCat("/size/", kMaxReplyBytes + 1))});
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted) << over.status();
}

TEST_F(HttpFetchTest, AFormIsPostedWithTheClientsCredentialsFormEncodedThenBasic) {
  auto reply = Fetch({.url = Url("/token"),
                      .form_body = "grant_type=authorization_code&code=c1",
                      .basic_user = "psc web",
                      .basic_password = "s:e/c"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->status, 400);  // any status comes back as it is
  // base64("psc%20web:s%3Ae%2Fc")
  EXPECT_EQ(reply->body,
            "Basic cHNjJTIwd2ViOnMlM0FlJTJGYw==|grant_type=authorization_code&code=c1");
}

TEST_F(HttpFetchTest, AServerThatIsNotThereIsUnavailableAndNamed) {
  const std::string url = Url("/size/1");
  server_.stop();
  auto down = Fetch({.url = url});
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(down.status().message().find(url), std::string::npos) << down.status();
  // Only http and https.
  EXPECT_FALSE(Fetch({.url = "file:///etc/passwd"}).ok());
}

}  // namespace
}  // namespace psc::web::oidc
