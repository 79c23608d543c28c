// AssignWithHugePages (src/core/huge_pages.cpp) is v.assign(n, value) whatever the kernel does with the
// advice; AdviseHugePages accepts any range, aligned or not, big or small.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "finai/core/huge_pages.hpp"

namespace finai {
namespace {

TEST(HugePages, AssignWithHugePagesIsAssign) {
  std::vector<std::int64_t> v{1, 2, 3};
  const std::size_t big = (std::size_t{5} << 20) / sizeof(std::int64_t);  // 5 MB: advised
  AssignWithHugePages(v, big, std::int64_t{7});
  ASSERT_EQ(v.size(), big);
  for (const std::int64_t x : v) ASSERT_EQ(x, 7);
  v[big / 2] = -1;
  // Smaller again: the buffer is kept and refilled.
  const std::int64_t* data = v.data();
  AssignWithHugePages(v, big / 3, std::int64_t{-4});
  EXPECT_EQ(v.data(), data);
  ASSERT_EQ(v.size(), big / 3);
  for (const std::int64_t x : v) ASSERT_EQ(x, -4);
  // Small: plain assign.
  std::vector<std::uint8_t> small;
  AssignWithHugePages(small, 100, std::uint8_t{9});
  EXPECT_EQ(small, std::vector<std::uint8_t>(100, 9));
  AssignWithHugePages(small, 0, std::uint8_t{9});
  EXPECT_TRUE(small.empty());
}

TEST(HugePages, AdviceOnAnyRangeIsHarmless) {
  std::vector<char> buffer(std::size_t{6} << 20, 'x');
  AdviseHugePages(buffer.data() + 1, buffer.size() - 3);
  AdviseHugePages(buffer.data() + 5, 100);
  AdviseHugePages(buffer.data(), 0);
  AdviseHugePages(nullptr, 0);
  for (std::size_t i = 0; i < buffer.size(); i += 4096) ASSERT_EQ(buffer[i], 'x');
}

}  // namespace
}  // namespace finai
