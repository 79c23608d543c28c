// The CSV reader's number parsing: its fast path must return exactly the double that strtod (correctly
// rounded, glibc) returns, and everything else must be rejected with the right reason.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "data/csv_columns.hpp"
#include "finai/core/random.hpp"

namespace finai::csv {
namespace {

TEST(ParseNumber, AgreesBitForBitWithStrtodOnRandomDecimals) {
  Rng rng(2024);
  for (int i = 0; i < 200000; ++i) {
    const int int_digits = static_cast<int>(rng.Below(12));
    const int frac_digits = static_cast<int>(rng.Below(int_digits == 0 ? 10 : 12));
    std::string s = rng.Below(4) == 0 ? "-" : "";
    for (int d = 0; d < int_digits; ++d) s += static_cast<char>('0' + rng.Below(10));
    if (int_digits == 0) s += "0";
    if (frac_digits > 0) {
      s += '.';
      for (int d = 0; d < frac_digits; ++d) s += static_cast<char>('0' + rng.Below(10));
    }
    double got = 0;
    FieldError error;
    ASSERT_TRUE(ParseNumber(s, got, error)) << s;
    const double want = std::strtod(s.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&got, &want, sizeof got), 0) << s << ": " << got << " vs " << want;
  }
}

TEST(ParseNumber, GeneralFormsAndRejections) {
  double v = 0;
  FieldError e;
  EXPECT_TRUE(ParseNumber(" 1.5e3 ", v, e));
  EXPECT_EQ(v, 1500);
  EXPECT_TRUE(ParseNumber("+2", v, e));
  EXPECT_EQ(v, 2);
  EXPECT_TRUE(ParseNumber(".5", v, e));
  EXPECT_EQ(v, 0.5);
  EXPECT_TRUE(ParseNumber("5.", v, e));
  EXPECT_EQ(v, 5);
  EXPECT_TRUE(ParseNumber("-0", v, e));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseNumber("12345678901234567890", v, e));  // long mantissa: general path
  EXPECT_EQ(v, 12345678901234567890.0);
  EXPECT_FALSE(ParseNumber("1e999", v, e));
  EXPECT_EQ(e.detail, "number out of range for float64");
  EXPECT_FALSE(ParseNumber("inf", v, e));
  EXPECT_EQ(e.detail, "not a finite number");
  EXPECT_FALSE(ParseNumber("1,5", v, e));
  EXPECT_EQ(e.detail, "decimal comma in a number");
  EXPECT_FALSE(ParseNumber(".", v, e));
  EXPECT_FALSE(ParseNumber("-", v, e));
  EXPECT_FALSE(ParseNumber("1.2.3", v, e));
  EXPECT_FALSE(ParseNumber("0x10", v, e));
  EXPECT_EQ(e.detail, "not a number");
}

}  // namespace
}  // namespace finai::csv
