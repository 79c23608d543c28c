// Optimal binning on data: constraints hold, special and missing bins, categorical groups, WoE / IV against
// pandas (tests/golden/scorecard/make_binning_golden.py), manual bins, JSON round trip.
#include "finai/scorecard/binning.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"
#include "finai/data/target.hpp"

namespace finai::scorecard {
namespace {

// Printed by tests/golden/scorecard/make_binning_golden.py.
const std::vector<double> kIncomeEvents = {329, 247, 181, 175, 105, 217};
const std::vector<double> kIncomeWoe = {-0.634795836194, 0.00110515831828, 0.319889164479,
                                        0.604040753342,  0.637738285839,   -1.21684329331};
const double kIncomeIv = 0.361447704987;
const std::vector<double> kHomeEvents = {388, 390, 317,
                                         9,   146, 4};  // rent, owner, parents+priv, ignore, other, missing
const std::vector<double> kHomeWoe = {-0.526205859986, 0.545374754179,  -0.12763623006,
                                      -0.736141672133, -0.767127394806, -1.62995954815};
const double kHomeIv = 0.24827119166;

struct Credit {
  Frame frame;
  std::vector<double> y;
};

const Credit& LoadCredit() {
  static const Credit credit = [] {
    Credit c;
    c.frame = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/data/credit_data.csv", CsvOptions(), Context()).frame;
    c.y = ResolveBinaryTarget(c.frame.column("Status"), "bad").labels;
    return c;
  }();
  return credit;
}

TEST(Binning, WoeAndIvOfFixedCutsMatchPandas) {
  const Credit& c = LoadCredit();
  const VariableBinning vb = BinWithCuts(c.frame.column("Income"), c.y, {}, {80, 110, 140, 200}, {0.0});
  ASSERT_EQ(vb.bins.size(), 7u);  // 5 value bins, special 0 (empty), missing
  const std::size_t finai_bin[] = {0, 1, 2, 3, 4, 6};
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_DOUBLE_EQ(vb.bins[finai_bin[k]].events, kIncomeEvents[k]) << k;
    EXPECT_NEAR(vb.bins[finai_bin[k]].woe, kIncomeWoe[k], 1e-10) << k;
  }
  EXPECT_EQ(vb.bins[5].count, 0);
  EXPECT_EQ(vb.bins[5].woe, 0);
  EXPECT_EQ(vb.bins[5].label, "special 0");
  EXPECT_EQ(vb.bins[0].label, "(-inf, 80]");
  EXPECT_EQ(vb.bins[4].label, "(200, +inf)");
  EXPECT_NEAR(vb.iv, kIncomeIv, 1e-10);
}

TEST(Binning, CategoryGroupsMatchPandas) {
  const Credit& c = LoadCredit();
  const VariableBinning vb = BinWithGroups(c.frame.column("Home"), c.y, {}, {{"rent"}, {"owner"}, {"parents", "priv"}});
  ASSERT_EQ(vb.bins.size(), 6u);
  const std::vector<std::string> labels = {"rent", "owner", "parents, priv", "ignore", "other", "missing"};
  for (std::size_t k = 0; k < labels.size(); ++k) {
    const auto it = std::find_if(vb.bins.begin(), vb.bins.end(), [&](const Bin& b) { return b.label == labels[k]; });
    ASSERT_NE(it, vb.bins.end()) << labels[k];
    EXPECT_DOUBLE_EQ(it->events, kHomeEvents[k]) << labels[k];
    EXPECT_NEAR(it->woe, kHomeWoe[k], 1e-10) << labels[k];
  }
  EXPECT_NEAR(vb.iv, kHomeIv, 1e-10);
  EXPECT_EQ(vb.BinOfCategory("never seen"), vb.MissingBin());
}

TEST(Binning, OptimalNumericBinsMeetTheConstraints) {
  const Credit& c = LoadCredit();
  BinningOptions o;
  o.max_bins = 6;
  o.min_bin_share = 0.05;
  o.min_bin_events = 20;
  for (const char* name : {"Seniority", "Income", "Amount", "Price", "Assets"}) {
    const VariableBinning vb = FitBinning(c.frame.column(name), c.y, {}, o);
    EXPECT_TRUE(vb.optimal);
    EXPECT_LE(vb.num_value_bins(), 6) << name;
    EXPECT_GE(vb.num_prebins, vb.num_value_bins());
    double total = 0;
    for (const Bin& b : vb.bins) total += b.count;
    std::vector<double> rates;
    double iv = 0;
    for (int b = 0; b < vb.num_value_bins(); ++b) {
      const Bin& bin = vb.bins[static_cast<std::size_t>(b)];
      EXPECT_GE(bin.count, 0.05 * total - 1e-9) << name << " bin " << b;
      EXPECT_GE(bin.events, 20) << name;
      rates.push_back(bin.event_rate);
    }
    for (const Bin& b : vb.bins) iv += b.iv;
    EXPECT_NEAR(iv, vb.iv, 1e-12);
    EXPECT_TRUE(FollowsTrend(rates, MonotonicTrend::kAuto, 0)) << name;
    // Any other set of cuts made of pre-bin cuts cannot beat it; spot-check: the fixed cuts from pandas' test.
    if (std::string(name) == "Income") {
      EXPECT_GT(vb.iv, 0.3);
      EXPECT_EQ(vb.bins.back().label, "missing");
      EXPECT_GT(vb.bins.back().count, 0);
    }
  }
}

TEST(Binning, SpecialValuesAndMissingGetTheirOwnBins) {
  std::mt19937_64 rng(7);
  std::vector<double> x, y;
  for (int i = 0; i < 4000; ++i) {
    const double u = static_cast<double>(rng() % 1000) / 10.0;
    const int kind = static_cast<int>(rng() % 10);
    x.push_back(kind == 0 ? NAN : kind == 1 ? -1.0 : u);
    const double p = kind == 0 ? 0.5 : kind == 1 ? 0.05 : 0.05 + u / 250.0;
    y.push_back(static_cast<double>(rng() % 1000) < p * 1000 ? 1.0 : 0.0);
  }
  BinningOptions o;
  o.special_values = {-1};
  o.trend = MonotonicTrend::kAscending;
  const VariableBinning vb = FitBinning(Column::Float64("x", x), y, {}, o);
  const int v = vb.num_value_bins();
  ASSERT_EQ(vb.bins.size(), static_cast<std::size_t>(v + 2));
  EXPECT_EQ(vb.bins[static_cast<std::size_t>(v)].kind, BinKind::kSpecial);
  EXPECT_EQ(vb.BinOf(-1.0), v);
  EXPECT_EQ(vb.BinOf(NAN), v + 1);
  EXPECT_EQ(vb.BinOf(-0.5), 0);
  EXPECT_NEAR(vb.bins[static_cast<std::size_t>(v + 1)].share, 0.1, 0.02);
  EXPECT_GT(v, 2);
  for (int b = 1; b < v; ++b)
    EXPECT_GT(vb.bins[static_cast<std::size_t>(b)].event_rate, vb.bins[static_cast<std::size_t>(b - 1)].event_rate);
  // Weights 2 on every row give the same bins as unweighted rows.
  const std::vector<double> w(x.size(), 2.0);
  const VariableBinning vw = FitBinning(Column::Float64("x", x), y, w, o);
  EXPECT_EQ(vw.cuts, vb.cuts);
  EXPECT_NEAR(vw.iv, vb.iv, 1e-12);
}

TEST(Binning, CategoricalOrdersByEventRate) {
  const Credit& c = LoadCredit();
  BinningOptions o;
  o.min_bin_share = 0.02;
  const VariableBinning vb = FitBinning(c.frame.column("Job"), c.y, {}, o);
  EXPECT_TRUE(vb.categorical);
  for (int b = 1; b < vb.num_value_bins(); ++b) {
    EXPECT_GT(vb.bins[static_cast<std::size_t>(b)].event_rate, vb.bins[static_cast<std::size_t>(b - 1)].event_rate);
  }
  EXPECT_EQ(vb.trend, MonotonicTrend::kAscending);
  const std::vector<double> woe = vb.WoeColumn(c.frame.column("Job"));
  EXPECT_EQ(woe.size(), static_cast<std::size_t>(c.frame.num_rows()));
}

TEST(Binning, JsonRoundTripAndCorruptFiles) {
  const Credit& c = LoadCredit();
  const VariableBinning vb = FitBinning(c.frame.column("Seniority"), c.y, {}, BinningOptions());
  const nlohmann::json j = vb.ToJson();
  const VariableBinning back = VariableBinning::FromJson(j, "variables[0]");
  EXPECT_EQ(back.cuts, vb.cuts);
  ASSERT_EQ(back.bins.size(), vb.bins.size());
  for (std::size_t b = 0; b < vb.bins.size(); ++b) EXPECT_EQ(back.bins[b].woe, vb.bins[b].woe);
  EXPECT_EQ(back.WoeColumn(c.frame.column("Seniority")), vb.WoeColumn(c.frame.column("Seniority")));
  nlohmann::json bad = j;
  bad["bins"].erase(0);
  EXPECT_THROW(VariableBinning::FromJson(bad, "variables[0]"), InvalidData);
  bad = j;
  bad["bins"][1]["woe"] = "x";
  try {
    VariableBinning::FromJson(bad, "variables[0]");
    FAIL();
  } catch (const InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("variables[0].bins[1].woe"), std::string::npos) << e.what();
  }
}

TEST(Binning, BadInputs) {
  const Column x = Column::Float64("x", {1, 2, 3, 4});
  EXPECT_THROW(FitBinning(x, std::vector<double>{1, 1, 1, 1}, {}, BinningOptions()), InvalidData);
  EXPECT_THROW(FitBinning(x, std::vector<double>{1, 0}, {}, BinningOptions()), InvalidArgument);
  BinningOptions o;
  o.max_bins = 0;
  EXPECT_THROW(FitBinning(x, std::vector<double>{1, 0, 1, 0}, {}, o), InvalidArgument);
  EXPECT_THROW(ParseTrend("upwards"), InvalidArgument);
  EXPECT_THROW(BinWithCuts(x, std::vector<double>{1, 0, 1, 0}, {}, {3, 2}, {}), InvalidArgument);
}

}  // namespace
}  // namespace finai::scorecard

namespace finai::scorecard {
namespace {

TEST(Binning, ManyCategoriesArePreBinnedInEventRateOrder) {
  std::mt19937_64 rng(11);
  std::vector<std::string> dict;
  for (int c = 0; c < 300; ++c) dict.push_back("c" + std::to_string(c));
  std::vector<std::int32_t> codes;
  std::vector<double> y;
  for (int r = 0; r < 30000; ++r) {
    const int c = static_cast<int>(rng() % 300);
    codes.push_back(c);
    y.push_back(static_cast<double>(rng() % 1000) < 20 + 2 * c ? 1.0 : 0.0);  // risk grows with the code
  }
  BinningOptions o;
  o.max_prebins = 20;
  o.min_bin_share = 0.02;
  const VariableBinning vb = FitBinning(Column::Categorical("cat", codes, dict), y, {}, o);
  EXPECT_LE(vb.num_prebins, 20);
  std::size_t covered = 0;
  for (const auto& g : vb.groups) covered += g.size();
  EXPECT_EQ(covered, 300u);
  EXPECT_GT(vb.iv, 0.3);
  for (int b = 1; b < vb.num_value_bins(); ++b) {
    EXPECT_GT(vb.bins[static_cast<std::size_t>(b)].event_rate, vb.bins[static_cast<std::size_t>(b - 1)].event_rate);
  }
}

TEST(Binning, JensenShannonObjectiveAndDatetimeColumns) {
  std::mt19937_64 rng(5);
  std::vector<std::int64_t> t;
  std::vector<double> y;
  for (int r = 0; r < 5000; ++r) {
    const std::int64_t day = static_cast<std::int64_t>(rng() % 3650);
    t.push_back(day * 86400);
    y.push_back(static_cast<double>(rng() % 1000) < 50 + day / 20 ? 1.0 : 0.0);
  }
  BinningOptions o;
  o.objective = BinObjective::kJensenShannon;
  const VariableBinning vb = FitBinning(Column::DateTime("opened", t), y, {}, o);
  EXPECT_GT(vb.num_value_bins(), 2);
  EXPECT_EQ(vb.trend, MonotonicTrend::kAscending);
  EXPECT_GT(vb.js, 0);
  EXPECT_LE(vb.js, vb.iv / 4 + 1e-12);  // Lin (1991): JS <= J / 4, and IV is Jeffreys' divergence J
  EXPECT_EQ(vb.BinOf(static_cast<double>(t[0])), vb.BinColumn(Column::DateTime("opened", t))[0]);
  EXPECT_EQ(vb.bins[0].label.rfind("(-inf, 19", 0), 0u) << vb.bins[0].label;  // a date, not seconds
  EXPECT_EQ(VariableBinning::FromJson(vb.ToJson(), "").bins[1].label, vb.bins[1].label);
}

}  // namespace
}  // namespace finai::scorecard
