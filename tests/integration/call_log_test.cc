// pscd's call log (--log-format, --log-calls): one line per call naming the method, code,
// reason, duration, identity, resource and request id, and never a request's contents.

#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/registry_fixture.h"

namespace psc::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The JSON log lines of `log` whose msg is "call".
std::vector<google::protobuf::Struct> CallLines(const std::string& log) {
  std::vector<google::protobuf::Struct> calls;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    google::protobuf::Struct object;
    if (!line.empty() && line.front() == '{' &&
        google::protobuf::util::JsonStringToMessage(std::string(line), &object).ok() &&
        object.fields().at("msg").string_value() == "call") {
      calls.push_back(object);
    }
  }
  return calls;
}

std::string Field(const google::protobuf::Struct& line, const std::string& key) {
  auto it = line.fields().find(key);
  return it == line.fields().end() ? "(missing)" : it->second.string_value();
}

TEST(CallLogTest, JsonLinesNameEachCallButNeverItsContents) {
  TempDir dir;
  auto pscd =
      PscdProcess::Start({.data_dir = dir.Sub("data"), .extra_args = {"--log-format", "json"}});
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  client::RegistryClient admin(ClientOptionsAs((*pscd)->target(), "admin"));
  ASSERT_TRUE(admin.CreateCollaborative(MakeCollaborative(), {.id = "wessex"}).ok());
  v1::Expert expert = MakeExpert("collaboratives/wessex");
  expert.mutable_contact()->set_email("private.person@example.org");
  ASSERT_TRUE(admin.CreateExpert(expert, {.id = "pat", .request_id = "req-42"}).ok());
  EXPECT_FALSE(admin.GetExpert("experts/missing").ok());
  ASSERT_TRUE((*pscd)->WaitForLog("experts/missing"));

  const std::string log = (*pscd)->Log();
  EXPECT_THAT(log, Not(HasSubstr("private.person@example.org")));
  EXPECT_THAT(log, Not(HasSubstr("PRIVATE KEY")));
  auto calls = CallLines(log);
  ASSERT_EQ(calls.size(), 3u) << log;
  EXPECT_EQ(Field(calls[1], "method"), "CreateExpert");
  EXPECT_EQ(Field(calls[1], "code"), "OK");
  EXPECT_EQ(Field(calls[1], "level"), "INFO");
  EXPECT_EQ(Field(calls[1], "identity"), "spiffe://psc-registry/national/people/admin");
  EXPECT_EQ(Field(calls[1], "on_behalf_of"), "-");
  EXPECT_EQ(Field(calls[1], "resource"), "-");  // a create names no resource yet
  EXPECT_EQ(Field(calls[1], "request_id"), "req-42");
  EXPECT_NE(Field(calls[1], "duration_ms"), "(missing)");
  EXPECT_EQ(Field(calls[2], "method"), "GetExpert");
  EXPECT_EQ(Field(calls[2], "code"), "NOT_FOUND");
  EXPECT_EQ(Field(calls[2], "reason"), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(Field(calls[2], "level"), "WARN");
  EXPECT_EQ(Field(calls[2], "resource"), "experts/missing");
  // Every other line is JSON too, the ready line among them.
  EXPECT_THAT(log, HasSubstr("\"msg\":\"pscd ready, listening on "));
}

// A gateway's call names both: the gateway's certificate and the user it acts for, in the call
// line and in the refusal line of a refused one.
TEST(CallLogTest, AGatewaysCallNamesTheUserItActsFor) {
  TempDir dir;
  auto pscd =
      PscdProcess::Start({.data_dir = dir.Sub("data"), .extra_args = {"--log-format", "json"}});
  ASSERT_TRUE(pscd.ok()) << pscd.status();
  client::ClientOptions options = ClientOptionsAs((*pscd)->target(), "gateway");
  options.on_behalf_of = "spiffe://psc-registry/national/people/reader";
  client::RegistryClient reader(options);
  EXPECT_EQ(reader.GetExpert("experts/missing").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.CreateCollaborative(MakeCollaborative(), {.id = "wessex"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The refusal line is written before the call's own line; wait for the latter.
  ASSERT_TRUE((*pscd)->WaitForLog("\"method\":\"CreateCollaborative\""));

  const std::string log = (*pscd)->Log();
  auto calls = CallLines(log);
  ASSERT_EQ(calls.size(), 2u) << log;
  for (const auto& call : calls) {
    EXPECT_EQ(Field(call, "identity"), "spiffe://psc-registry/services/psc-web");
    EXPECT_EQ(Field(call, "on_behalf_of"), "spiffe://psc-registry/national/people/reader");
  }
  EXPECT_THAT(log, HasSubstr("refused: identity=spiffe://psc-registry/services/psc-web "
                             "on_behalf_of=spiffe://psc-registry/national/people/reader "
                             "method=CreateCollaborative"));
}

TEST(CallLogTest, ErrorsOnlyOrNoneAsAsked) {
  TempDir dir;
  auto errors =
      PscdProcess::Start({.data_dir = dir.Sub("errors"), .extra_args = {"--log-calls", "errors"}});
  ASSERT_TRUE(errors.ok()) << errors.status();
  client::RegistryClient client(ClientOptionsAs((*errors)->target(), "admin"));
  ASSERT_TRUE(client.CreateCollaborative(MakeCollaborative(), {.id = "wessex"}).ok());
  EXPECT_FALSE(client.GetExpert("experts/missing").ok());
  ASSERT_TRUE((*errors)->WaitForLog("method=GetExpert"));
  EXPECT_THAT((*errors)->Log(), HasSubstr("WARN call method=GetExpert code=NOT_FOUND "
                                          "reason=RESOURCE_NOT_FOUND duration_ms="));
  EXPECT_THAT((*errors)->Log(), Not(HasSubstr("method=CreateCollaborative")));

  auto none = PscdProcess::Start(
      {.data_dir = dir.Sub("none"), .metrics_listen = "", .extra_args = {"--log-calls", "none"}});
  ASSERT_TRUE(none.ok()) << none.status();
  client::RegistryClient quiet(ClientOptionsAs((*none)->target(), "admin"));
  EXPECT_FALSE(quiet.GetExpert("experts/missing").ok());
  (*none)->Stop(SIGTERM);
  EXPECT_THAT((*none)->Log(), Not(HasSubstr(" call ")));
}

TEST(CallLogTest, ABadLogFlagIsRefusedByName) {
  TempDir dir;
  auto pscd =
      PscdProcess::Start({.data_dir = dir.Sub("data"), .extra_args = {"--log-format", "xml"}});
  ASSERT_FALSE(pscd.ok());
  EXPECT_THAT(pscd.status().message(), HasSubstr("--log-format"));
}

}  // namespace
}  // namespace psc::testing
