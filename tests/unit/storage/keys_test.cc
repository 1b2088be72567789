#include "server/storage/keys.h"

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace psc::storage {
namespace {

using Tuple = std::tuple<std::string, int64_t, uint64_t>;

std::string Encode(const Tuple& t) {
  return KeyBuilder()
      .AddString(std::get<0>(t))
      .AddInt64(std::get<1>(t))
      .AddUint64(std::get<2>(t))
      .Release();
}

TEST(KeysTest, EncodingKeepsTupleOrder) {
  std::mt19937_64 rng(42);
  const std::string alphabet("\0\1a\xff", 4);
  std::vector<Tuple> tuples;
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    for (int n = rng() % 4; n > 0; --n) s.push_back(alphabet[rng() % alphabet.size()]);
    int64_t signed_value = static_cast<int64_t>(rng() % 7) - 3;
    if (rng() % 5 == 0) signed_value = static_cast<int64_t>(rng());
    tuples.emplace_back(s, signed_value, rng() % 3 == 0 ? rng() : rng() % 4);
  }
  std::vector<Tuple> by_tuple = tuples;
  std::sort(by_tuple.begin(), by_tuple.end(), [](const Tuple& a, const Tuple& b) {
    // std::string compares chars as signed on x86; compare bytes as unsigned like RocksDB.
    auto bytes = [](const std::string& s) {
      return std::vector<unsigned char>(s.begin(), s.end());
    };
    return std::make_tuple(bytes(std::get<0>(a)), std::get<1>(a), std::get<2>(a)) <
           std::make_tuple(bytes(std::get<0>(b)), std::get<1>(b), std::get<2>(b));
  });
  std::vector<Tuple> by_key = tuples;
  std::sort(by_key.begin(), by_key.end(), [](const Tuple& a, const Tuple& b) {
    std::string ka = Encode(a), kb = Encode(b);
    return std::lexicographical_compare(
        ka.begin(), ka.end(), kb.begin(), kb.end(), [](char x, char y) {
          return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
        });
  });
  EXPECT_EQ(by_tuple, by_key);
}

TEST(KeysTest, RoundTrips) {
  const std::string tricky("a\0\xff\0", 4);
  std::string key =
      KeyBuilder().AddString(tricky).AddInt64(-5).AddUint64(7).AddString("").Release();
  KeyReader reader(key);
  std::string s, empty;
  int64_t i;
  uint64_t u;
  ASSERT_TRUE(reader.ReadString(&s));
  ASSERT_TRUE(reader.ReadInt64(&i));
  ASSERT_TRUE(reader.ReadUint64(&u));
  ASSERT_TRUE(reader.ReadString(&empty));
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(s, tricky);
  EXPECT_EQ(i, -5);
  EXPECT_EQ(u, 7u);
  EXPECT_EQ(empty, "");
}

TEST(KeysTest, ReaderRejectsMalformedKeys) {
  std::string s;
  uint64_t u;
  EXPECT_FALSE(KeyReader(std::string("abc", 3)).ReadString(&s));      // no terminator
  EXPECT_FALSE(KeyReader(std::string("a\0\x02", 3)).ReadString(&s));  // bad escape
  EXPECT_FALSE(KeyReader(std::string("\0\0\0", 3)).ReadUint64(&u));   // too short
}

TEST(KeysTest, ComponentPrefixMatchesOnlyWholeComponents) {
  std::string prefix = KeyBuilder().AddString("ab").Release();
  std::string longer_string = KeyBuilder().AddString("abc").Release();
  std::string child = KeyBuilder().AddString("ab").AddString("x").Release();
  EXPECT_NE(longer_string.rfind(prefix, 0), 0u);
  EXPECT_EQ(child.rfind(prefix, 0), 0u);
}

TEST(KeysTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

}  // namespace
}  // namespace psc::storage
