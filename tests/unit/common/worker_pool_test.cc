// The worker pool slow calls run on: bounded, and a task that throws does not end a thread.

#include "server/common/worker_pool.h"

#include <atomic>
#include <future>
#include <stdexcept>

#include "gtest/gtest.h"
#include "server/common/notification.h"
#include "server/common/utf8.h"

namespace psc {
namespace {

TEST(WorkerPoolTest, RefusesBeyondItsQueueAndRunsWhatItAccepted) {
  std::atomic<int> ran{0};
  Notification release;
  {
    WorkerPool pool(1, 2);
    std::promise<void> started;
    ASSERT_TRUE(pool.TrySubmit([&] {
      started.set_value();
      release.WaitForNotification();
      ++ran;
    }));
    started.get_future().wait();  // the one thread is busy
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // two already wait
    release.Notify();
  }  // the destructor runs what was accepted
  EXPECT_EQ(ran.load(), 3);
}

TEST(WorkerPoolTest, ATaskThatThrowsDoesNotEndItsThread) {
  std::promise<void> after;
  WorkerPool pool(1, 4);
  ASSERT_TRUE(pool.TrySubmit([] { throw std::runtime_error("a bug"); }));
  ASSERT_TRUE(pool.TrySubmit([&after] { after.set_value(); }));
  EXPECT_EQ(after.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(Utf8Test, CountsAndCutsByCharacter) {
  EXPECT_EQ(CharacterCount("abc"), 3u);
  EXPECT_EQ(CharacterCount("\u00e9t\u00e9"), 3u);  // 5 bytes
  EXPECT_EQ(CharacterPrefix("\u00e9t\u00e9", 2), "\u00e9t\u2026");
  EXPECT_EQ(CharacterPrefix("short", 10), "short");
}

// Found by list_params_fuzzer: error messages echoed invalid UTF-8, which protobuf refuses to
// serialize faithfully.
TEST(Utf8Test, EchoedTextIsAlwaysValidUtf8) {
  const std::string bad = std::string("a") + '\xff' + "b";
  EXPECT_EQ(CharacterPrefix(bad, 10), "a\uFFFDb");
  EXPECT_EQ(CharacterPrefix(std::string("\xc0\xaf"), 10), "\uFFFD\uFFFD");  // overlong '/'
  EXPECT_EQ(CharacterPrefix(std::string("\xed\xa0\x80"), 10), "\uFFFD\uFFFD\uFFFD");  // surrogate
  EXPECT_EQ(CharacterPrefix(std::string("\xe2\x82"), 10), "\uFFFD\uFFFD");            // cut short
  EXPECT_EQ(CharacterPrefix("\U0001F600 ok", 10), "\U0001F600 ok");                // 4 bytes, valid
  EXPECT_EQ(CharacterPrefix(std::string("\xf4\x90\x80\x80"), 1), "\uFFFD\u2026");  // > U+10FFFF
}

}  // namespace
}  // namespace psc
