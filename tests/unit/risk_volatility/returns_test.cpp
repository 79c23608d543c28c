// Returns from prices (finai/risk/returns.hpp), shared by the volatility models and market risk.
#include "finai/risk/returns.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "finai/core/error.hpp"

namespace finai::risk {
namespace {

TEST(Returns, SimpleAndLogInFractionAndPercent) {
  const std::vector<double> prices{100, 110, 99, 99};
  const std::vector<double> simple = ReturnsFromPrices(prices, ReturnKind::kSimple);
  ASSERT_EQ(simple.size(), 3u);
  EXPECT_DOUBLE_EQ(simple[0], 0.1);
  EXPECT_DOUBLE_EQ(simple[1], -0.1);
  EXPECT_DOUBLE_EQ(simple[2], 0.0);
  const std::vector<double> log_pct = ReturnsFromPrices(prices, ReturnKind::kLog, ReturnScale::kPercent);
  EXPECT_NEAR(log_pct[0], 100 * std::log(1.1), 1e-13);
  EXPECT_NEAR(log_pct[1], 100 * std::log(0.9), 1e-13);
  EXPECT_DOUBLE_EQ(log_pct[2], 0.0);
  // Log returns add up over time: their sum is the log of the total price ratio.
  EXPECT_NEAR(log_pct[0] + log_pct[1] + log_pct[2], 100 * std::log(99.0 / 100.0), 1e-12);
}

TEST(Returns, RejectsNonPositiveOrMissingPricesNamingTheRow) {
  for (double bad : {0.0, -5.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    const std::vector<double> prices{100, 101, bad, 102};
    try {
      ReturnsFromPrices(prices, ReturnKind::kLog);
      FAIL() << "expected InvalidData for " << bad;
    } catch (const InvalidData& e) {
      EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
      EXPECT_EQ(e.location().field, "price");
    }
  }
}

TEST(Returns, NeedsTwoPricesAndAKnownKind) {
  EXPECT_THROW(ReturnsFromPrices(std::vector<double>{100}, ReturnKind::kSimple), InvalidArgument);
  EXPECT_THROW(ReturnsFromPrices(std::vector<double>{}, ReturnKind::kSimple), InvalidArgument);
  EXPECT_EQ(ParseReturnKind("simple"), ReturnKind::kSimple);
  EXPECT_EQ(ParseReturnKind("log"), ReturnKind::kLog);
  EXPECT_EQ(ReturnKindName(ReturnKind::kLog), "log");
  EXPECT_THROW(ParseReturnKind("arithmetic"), InvalidArgument);
}

}  // namespace
}  // namespace finai::risk
