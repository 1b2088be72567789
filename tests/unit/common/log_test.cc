// The log's line writer (server/common/log.h): lines from many threads come out whole and in
// each thread's order, an error is out before Log returns, and times carry milliseconds.

#include "server/common/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace psc {
namespace {

// Sends stderr to a file for the test's lifetime; Text() reads what reached it.
class CapturedStderr {
 public:
  CapturedStderr() : path_(absl::StrCat(::testing::TempDir(), "/log-test-", getpid())) {
    FlushLog();  // nothing of an earlier test lands here
    saved_ = dup(STDERR_FILENO);
    const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~CapturedStderr() {
    FlushLog();
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    unlink(path_.c_str());
  }
  std::string Text() const {
    std::ifstream in(path_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::string path_;
  int saved_ = -1;
};

TEST(LogTest, LinesFromManyThreadsComeOutWholeAndInEachThreadsOrder) {
  CapturedStderr captured;
  constexpr int kThreads = 8, kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        Log(LogLevel::kInfo, "line", {{"thread", absl::StrCat(t)}, {"n", absl::StrCat(i)}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  FlushLog();
  std::map<int, int> next;  // thread -> the n its next line must carry
  int count = 0;
  for (absl::string_view line : absl::StrSplit(captured.Text(), '\n', absl::SkipEmpty())) {
    // "TIME INFO line thread=T n=N", whole.
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    ASSERT_EQ(words.size(), 5u) << line;
    ASSERT_EQ(words[1], "INFO") << line;
    ASSERT_EQ(words[2], "line") << line;
    ASSERT_TRUE(absl::ConsumePrefix(&words[3], "thread=")) << line;
    ASSERT_TRUE(absl::ConsumePrefix(&words[4], "n=")) << line;
    int t = 0, n = 0;
    ASSERT_TRUE(absl::SimpleAtoi(words[3], &t) && absl::SimpleAtoi(words[4], &n)) << line;
    EXPECT_EQ(n, next[t]) << "thread " << t;
    next[t] = n + 1;
    ++count;
  }
  EXPECT_EQ(count, kThreads * kLines);
}

TEST(LogTest, AnErrorIsWrittenBeforeLogReturnsWithWhatCameBefore) {
  CapturedStderr captured;
  LogInfo("before");
  LogError("the error");
  const std::string text = captured.Text();  // no FlushLog
  EXPECT_NE(text.find("INFO before\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ERROR the error\n"), std::string::npos) << text;
  EXPECT_LT(text.find("before"), text.find("the error"));
}

TEST(LogTest, TimesAreUtcWithMilliseconds) {
  CapturedStderr captured;
  LogWarning("timed");
  FlushLog();
  const std::string text = captured.Text();
  // "2026-12-07T21:13:15.123Z WARN timed\n"
  ASSERT_EQ(text.size(), 24u + 12u) << text;
  EXPECT_EQ(text.substr(24), " WARN timed\n");
  absl::Time parsed;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E3SZ", text.substr(0, 24), &parsed, &error))
      << error << ": " << text;
  EXPECT_LT(absl::AbsDuration(absl::Now() - parsed), absl::Minutes(1));
}

}  // namespace
}  // namespace psc
