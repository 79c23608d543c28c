#include "finai/analytics/profile.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "finai/core/error.hpp"

namespace finai {
namespace {

Column Categories(const std::string& name, const std::vector<std::string>& values) {
  std::vector<std::string> dict;
  std::vector<std::int32_t> codes;
  for (const auto& v : values) {
    if (v.empty()) {
      codes.push_back(kMissingCode);
      continue;
    }
    auto it = std::find(dict.begin(), dict.end(), v);
    if (it == dict.end()) it = dict.insert(dict.end(), v);
    codes.push_back(static_cast<std::int32_t>(it - dict.begin()));
  }
  return Column::Categorical(name, codes, dict);
}

const ColumnProfile& Find(const DataProfile& p, const std::string& name) {
  for (const auto& c : p.column_profiles) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no column " + name);
}

bool HasWarning(const DataProfile& p, const std::string& kind, const std::string& column) {
  for (const auto& w : p.warnings) {
    if (w.kind == kind && w.column == column) return true;
  }
  return false;
}

// Category A: 10 events and 30 non-events; B: 20 events and 40 non-events (30 events, 70 non-events).
Frame TwoGroupFrame() {
  std::vector<std::string> target, group;
  auto add = [&](const char* g, const char* t, int n) {
    for (int i = 0; i < n; ++i) {
      group.push_back(g);
      target.push_back(t);
    }
  };
  add("A", "bad", 10);
  add("A", "good", 30);
  add("B", "bad", 20);
  add("B", "good", 40);
  return Frame({Categories("status", target), Categories("group", group)});
}

TEST(Profile, WeightOfEvidenceAndInformationValueByHand) {
  const DataProfile p = ProfileFrame(TwoGroupFrame(), "t", {.target = "status"}, Context());
  EXPECT_EQ(p.event, "bad");
  EXPECT_EQ(p.events, 30);
  EXPECT_DOUBLE_EQ(p.event_rate, 0.3);
  const ColumnProfile& g = Find(p, "group");
  ASSERT_EQ(g.target_bins.size(), 2u);
  // WoE = ln(share of non-events / share of events): A: ln((30/70) / (10/30)), B: ln((40/70) / (20/30)).
  const double woe_a = std::log((30.0 / 70) / (10.0 / 30));
  const double woe_b = std::log((40.0 / 70) / (20.0 / 30));
  const double iv = (30.0 / 70 - 10.0 / 30) * woe_a + (40.0 / 70 - 20.0 / 30) * woe_b;
  EXPECT_EQ(g.target_bins[0].label, "B");  // the larger category first
  EXPECT_NEAR(g.target_bins[0].woe, woe_b, 1e-12);
  EXPECT_NEAR(g.target_bins[1].woe, woe_a, 1e-12);
  EXPECT_NEAR(*g.information_value, iv, 1e-12);
  EXPECT_DOUBLE_EQ(g.target_bins[1].event_rate, 0.25);
  // AUC of the score "event rate of your group" (0.25 for A, 1/3 for B): P(event score > non-event score)
  // + half the ties = (20*30 + 0.5*(10*30 + 20*40)) / (30*70).
  EXPECT_NEAR(*g.auc, (20.0 * 30 + 0.5 * (10 * 30 + 20 * 40)) / (30.0 * 70), 1e-12);
}

TEST(Profile, ChoosesTheEventAndRejectsNonBinaryTargets) {
  EXPECT_EQ(ProfileFrame(TwoGroupFrame(), "t", {.target = "status", .event = "good"}, Context()).events, 70);
  try {
    ProfileFrame(TwoGroupFrame(), "t", {.target = "group", .event = "C"}, Context());
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_STREQ(e.what(), "option 'event': value 'C': the event is not a value of the target; expected 'A' or 'B'");
  }
  Frame three({Categories("t", {"x", "y", "z"})});
  EXPECT_THROW(ProfileFrame(three, "t", {.target = "t"}, Context()), InvalidData);
  // Without a conventional event name, the rarer value is the event.
  Frame rare({Categories("t", {"p", "q", "q"}), Column::Float64("x", {1, 2, 3})});
  EXPECT_EQ(ProfileFrame(rare, "t", {.target = "t"}, Context()).event, "p");
}

TEST(Profile, NumericSummaryMatchesNumpyDefinitions) {
  // numpy.percentile([1..10, NaN excluded], q) with linear interpolation: p25 = 3.25, p50 = 5.5, p75 = 7.75.
  std::vector<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, std::nan("")};
  const DataProfile p = ProfileFrame(Frame({Column::Float64("x", v)}), "t", {}, Context());
  const auto& s = *Find(p, "x").numeric;
  EXPECT_DOUBLE_EQ(s.p25, 3.25);
  EXPECT_DOUBLE_EQ(s.p50, 5.5);
  EXPECT_DOUBLE_EQ(s.p75, 7.75);
  EXPECT_DOUBLE_EQ(s.mean, 5.5);
  EXPECT_NEAR(s.std_dev, 3.0276503540974917, 1e-12);  // numpy.std(ddof=1)
  EXPECT_EQ(Find(p, "x").missing, 1);
  EXPECT_EQ(Find(p, "x").distinct, 10);
}

TEST(Profile, FlagsLeakageIdentifiersConstantsDuplicatesAndCorrelation) {
  const int n = 200;
  std::vector<std::string> target, ids;
  std::vector<double> leak, constant, x, y;
  for (int i = 0; i < n; ++i) {
    const bool bad = i % 4 == 0;
    target.push_back(bad ? "bad" : "good");
    ids.push_back("customer-" + std::to_string(i));
    leak.push_back(bad ? 100.0 + i : static_cast<double>(i % 50));
    constant.push_back(7);
    x.push_back(i % 13);
    y.push_back(2.0 * (i % 13) + 1);
  }
  // Row 199 repeats row 195 in every column except the identifier, which we overwrite too.
  ids[199] = ids[195];
  target[199] = target[195];
  leak[199] = leak[195];
  x[199] = x[195];
  y[199] = y[195];
  Frame f({Categories("status", target), Column::String("id", ids, {}), Column::Float64("leak", leak),
           Column::Float64("constant", constant), Column::Float64("x", x), Column::Float64("y", y)});
  const DataProfile p = ProfileFrame(f, "t", {.target = "status"}, Context());
  EXPECT_TRUE(HasWarning(p, "leakage_suspect", "leak"));
  EXPECT_FALSE(HasWarning(p, "leakage_suspect", "x"));
  EXPECT_TRUE(HasWarning(p, "id_like", "id"));
  EXPECT_FALSE(HasWarning(p, "id_like", "x"));
  EXPECT_TRUE(HasWarning(p, "constant", "constant"));
  EXPECT_EQ(p.duplicate_rows, 1);
  EXPECT_TRUE(HasWarning(p, "high_correlation", "x,y"));
  ASSERT_FALSE(p.correlations.empty());
  EXPECT_NEAR(p.correlations[0].pearson, 1.0, 1e-12);
}

TEST(Profile, SameResultAtAnyThreadCount) {
  std::vector<std::string> target;
  std::vector<double> a, b;
  for (int i = 0; i < 5000; ++i) {
    target.push_back((i * 7919) % 10 < 3 ? "bad" : "good");
    a.push_back(std::sin(i) * 100);
    b.push_back((i * 31) % 97);
  }
  Frame f({Categories("s", target), Column::Float64("a", a), Column::Float64("b", b)});
  Context one, two;
  one.set_threads(1);
  two.set_threads(2);
  EXPECT_EQ(ProfileToJson(ProfileFrame(f, "t", {.target = "s"}, one)),
            ProfileToJson(ProfileFrame(f, "t", {.target = "s"}, two)));
}

}  // namespace
}  // namespace finai
