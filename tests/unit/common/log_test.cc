// The log's line writer (server/common/log.h): lines from many threads come out whole and in
// each thread's order, an error is out before Log returns, and times carry milliseconds.

#include "server/common/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
  const std::regex whole(R"(^\S+ INFO line thread=(\d+) n=(\d+)$)");
  for (absl::string_view line : absl::StrSplit(captured.Text(), '\n', absl::SkipEmpty())) {
    std::cmatch m;
    const std::string text(line);
    ASSERT_TRUE(std::regex_match(text.c_str(), m, whole)) << text;
    int t = 0, n = 0;
    ASSERT_TRUE(absl::SimpleAtoi(m[1].str(), &t) && absl::SimpleAtoi(m[2].str(), &n));
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
  EXPECT_TRUE(std::regex_match(
      captured.Text(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN timed\n)")))
      << captured.Text();
}

}  // namespace
}  // namespace psc
