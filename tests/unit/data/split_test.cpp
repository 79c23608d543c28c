#include "finai/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "finai/core/error.hpp"
#include "finai/data/datetime.hpp"

namespace finai {
namespace {

// Train and test are ascending, disjoint, and together hold every row exactly once.
void ExpectPartition(const TrainTest& split, std::int64_t n) {
  EXPECT_TRUE(std::is_sorted(split.train.begin(), split.train.end()));
  EXPECT_TRUE(std::is_sorted(split.test.begin(), split.test.end()));
  std::vector<int> seen(static_cast<std::size_t>(n), 0);
  for (std::int64_t r : split.train) ++seen.at(static_cast<std::size_t>(r));
  for (std::int64_t r : split.test) ++seen.at(static_cast<std::size_t>(r));
  for (std::int64_t r = 0; r < n; ++r) EXPECT_EQ(seen[static_cast<std::size_t>(r)], 1) << "row " << r;
}

std::map<double, std::int64_t> CountClasses(const Column& target, const std::vector<std::int64_t>& rows) {
  std::map<double, std::int64_t> counts;
  for (std::int64_t r : rows) ++counts[target.NumericValue(r)];
  return counts;
}

Column BinaryTarget(std::int64_t zeros, std::int64_t ones, std::uint64_t seed) {
  std::vector<double> y(static_cast<std::size_t>(zeros), 0.0);
  y.insert(y.end(), static_cast<std::size_t>(ones), 1.0);
  std::mt19937_64 rng(seed);
  for (std::size_t i = y.size(); i > 1; --i) std::swap(y[i - 1], y[rng() % i]);  // any order will do here
  return Column::Float64("y", y);
}

TEST(SplitTest, UniformBelowAndShuffle) {
  std::mt19937_64 rng(1);
  std::vector<int> hits(7, 0);
  for (int i = 0; i < 70000; ++i) ++hits[UniformBelow(rng, 7)];
  for (int h : hits) EXPECT_NEAR(h, 10000, 500);  // about 5 standard deviations
  EXPECT_EQ(UniformBelow(rng, 1), 0u);
  EXPECT_THROW(UniformBelow(rng, 0), InvalidArgument);

  std::vector<std::int64_t> a(100), b(100);
  for (int i = 0; i < 100; ++i) a[i] = b[i] = i;
  std::mt19937_64 r1(42), r2(42);
  Shuffle(a, r1);
  Shuffle(b, r2);
  EXPECT_EQ(a, b);
  std::vector<std::int64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_NE(a, sorted);
}

TEST(SplitTest, StratifiedSplitKeepsTheClassRatio) {
  const Column y = BinaryTarget(900, 100, 3);
  const TrainTest split = StratifiedSplit(y, 0.2, 7);
  ExpectPartition(split, 1000);
  EXPECT_EQ(split.test.size(), 200u);
  const auto test_counts = CountClasses(y, split.test);
  const auto train_counts = CountClasses(y, split.train);
  EXPECT_EQ(test_counts.at(1.0), 20);
  EXPECT_EQ(test_counts.at(0.0), 180);
  EXPECT_EQ(train_counts.at(1.0), 80);
  EXPECT_EQ(train_counts.at(0.0), 720);

  const TrainTest again = StratifiedSplit(y, 0.2, 7);
  EXPECT_EQ(again.test, split.test);
  EXPECT_EQ(again.train, split.train);
  EXPECT_NE(StratifiedSplit(y, 0.2, 8).test, split.test);
}

TEST(SplitTest, StratifiedSplitGivesLeftoverRowsByLargestRemainder) {
  // Three classes of 5 and half in test: round(7.5) = 8 test rows; each class's share is 2.5, the floors
  // give 6 and the two extra rows go to the first two classes (equal remainders, lower class first).
  std::vector<std::int32_t> codes;
  for (int i = 0; i < 15; ++i) codes.push_back(i % 3);
  // Dictionary order differs from text order: classes are ordered by text (a, b, c).
  const Column y = Column::Categorical("y", codes, {"c", "a", "b"});
  const TrainTest split = StratifiedSplit(y, 0.5, 1);
  ExpectPartition(split, 15);
  std::map<std::string, int> counts;
  for (std::int64_t r : split.test) ++counts[y.ValueText(r)];
  EXPECT_EQ(counts["a"], 3);
  EXPECT_EQ(counts["b"], 3);
  EXPECT_EQ(counts["c"], 2);
}

TEST(SplitTest, StratifiedSplitErrors) {
  const Column y = BinaryTarget(10, 10, 1);
  for (double bad : {0.0, 1.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    try {
      StratifiedSplit(y, bad, 1);
      ADD_FAILURE() << "fraction " << bad << " accepted";
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.location().field, "test_fraction");
    }
  }
  EXPECT_THROW(StratifiedSplit(y, 0.01, 1), InvalidArgument);  // round(0.2) = 0 test rows
  const Column with_missing = Column::Float64("y", {0, 1, std::nan(""), 1});
  try {
    StratifiedSplit(with_missing, 0.5, 1);
    ADD_FAILURE() << "missing target accepted";
  } catch (const InvalidData& e) {
    EXPECT_EQ(e.location().field, "y");
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
}

TEST(SplitTest, StratifiedKFold) {
  const Column y = BinaryTarget(53, 17, 9);
  const auto folds = StratifiedKFold(y, 5, 11);
  ASSERT_EQ(folds.size(), 5u);
  std::vector<int> times_in_test(70, 0);
  for (const TrainTest& fold : folds) {
    ExpectPartition(fold, 70);
    EXPECT_GE(fold.test.size(), 14u);
    EXPECT_LE(fold.test.size(), 14u);  // 70 rows, 5 folds
    const auto counts = CountClasses(y, fold.test);
    // 53 / 5 = 10.6 and 17 / 5 = 3.4: every fold holds 10 or 11 zeros and 3 or 4 ones.
    EXPECT_GE(counts.at(0.0), 10);
    EXPECT_LE(counts.at(0.0), 11);
    EXPECT_GE(counts.at(1.0), 3);
    EXPECT_LE(counts.at(1.0), 4);
    for (std::int64_t r : fold.test) ++times_in_test[static_cast<std::size_t>(r)];
  }
  for (int t : times_in_test) EXPECT_EQ(t, 1);
  EXPECT_EQ(StratifiedKFold(y, 5, 11)[2].test, folds[2].test);

  EXPECT_THROW(StratifiedKFold(y, 1, 1), InvalidArgument);
  try {
    StratifiedKFold(BinaryTarget(50, 3, 1), 4, 1);
    ADD_FAILURE() << "a class of 3 rows was split into 4 folds";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.location().field, "k");
  }
}

TEST(SplitTest, OutOfTimeSplitAtACutoff) {
  const std::int64_t day = 86400;
  const std::int64_t start = *ParseDateTime("2020-12-25");
  std::vector<std::int64_t> times;
  std::mt19937_64 rng(4);
  for (int i = 0; i < 200; ++i) times.push_back(start + static_cast<std::int64_t>(rng() % 20) * day);
  const Column t = Column::DateTime("t", times);
  const TrainTest split = OutOfTimeSplitAt(t, std::string_view("2021-01-01"));
  ExpectPartition(split, 200);
  const std::int64_t cutoff = *ParseDateTime("2021-01-01");
  for (std::int64_t r : split.train) EXPECT_LT(times[static_cast<std::size_t>(r)], cutoff);
  for (std::int64_t r : split.test) EXPECT_GE(times[static_cast<std::size_t>(r)], cutoff);
  EXPECT_EQ(OutOfTimeSplitAt(t, static_cast<double>(cutoff)).test, split.test);

  EXPECT_THROW(OutOfTimeSplitAt(t, std::string_view("2020-01-01")), InvalidArgument);  // all rows in test
  EXPECT_THROW(OutOfTimeSplitAt(t, std::string_view("2030-01-01")), InvalidArgument);  // none in test
  EXPECT_THROW(OutOfTimeSplitAt(t, std::string_view("soon")), InvalidArgument);
  EXPECT_THROW(OutOfTimeSplitAt(Column::Categorical("t", {0}, {"x"}), 1.0), InvalidArgument);

  const Column numeric = Column::Float64("month", {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(OutOfTimeSplitAt(numeric, std::string_view("4.5")).test, (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(OutOfTimeSplitAt(numeric, 4.0).train, (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(SplitTest, OutOfTimeSplitByFraction) {
  // Times in reverse row order: the latest quarter are the first 25 rows.
  std::vector<double> times(100);
  for (int i = 0; i < 100; ++i) times[static_cast<std::size_t>(i)] = 1000.0 - i;
  const TrainTest split = OutOfTimeSplitFraction(Column::Float64("t", times), 0.25);
  ExpectPartition(split, 100);
  ASSERT_EQ(split.test.size(), 25u);
  EXPECT_EQ(split.test.front(), 0);
  EXPECT_EQ(split.test.back(), 24);
  // Ties at the cutoff all go to test.
  const TrainTest ties = OutOfTimeSplitFraction(Column::Float64("t", {1, 2, 3, 3, 3, 3}), 0.25);
  EXPECT_EQ(ties.test, (std::vector<std::int64_t>{2, 3, 4, 5}));
  EXPECT_THROW(OutOfTimeSplitFraction(Column::Float64("t", {5, 5, 5, 5}), 0.5), InvalidArgument);
}

TEST(SplitTest, OutOfTimeSplitRejectsMissingTimes) {
  const Column t = Column::DateTime("when", {0, 100, kMissingTime, kMissingTime});
  try {
    OutOfTimeSplitAt(t, 50.0);
    ADD_FAILURE() << "missing time accepted";
  } catch (const InvalidData& e) {
    EXPECT_EQ(e.location().field, "when");
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
}

Column Groups(std::uint64_t seed, std::vector<std::int64_t>* sizes) {
  // 40 customers with 1..20 rows each, rows interleaved.
  std::mt19937_64 rng(seed);
  std::vector<std::string> ids;
  for (int g = 0; g < 40; ++g) {
    const auto size = static_cast<std::int64_t>(1 + rng() % 20);
    sizes->push_back(size);
    for (std::int64_t i = 0; i < size; ++i) ids.push_back("customer" + std::to_string(g));
  }
  for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng() % i]);
  return Column::String("customer", ids, {});
}

TEST(SplitTest, GroupSplitKeepsGroupsTogether) {
  std::vector<std::int64_t> sizes;
  const Column g = Groups(5, &sizes);
  const std::int64_t n = g.size();
  const TrainTest split = GroupSplit(g, 0.3, 99);
  ExpectPartition(split, n);
  std::set<std::string> train_groups, test_groups;
  for (std::int64_t r : split.train) train_groups.insert(g.ValueText(r));
  for (std::int64_t r : split.test) test_groups.insert(g.ValueText(r));
  for (const std::string& group : test_groups) EXPECT_EQ(train_groups.count(group), 0u) << group;
  // Groups are taken until the crossing group, which is taken only if it gets closer: within the
  // largest group of the target.
  const double target = 0.3 * static_cast<double>(n);
  EXPECT_LE(std::abs(static_cast<double>(split.test.size()) - target), 20.0);
  EXPECT_EQ(GroupSplit(g, 0.3, 99).test, split.test);
  EXPECT_NE(GroupSplit(g, 0.3, 100).test, split.test);
  EXPECT_THROW(GroupSplit(Column::Float64("g", {1, 1, 1}), 0.5, 1), InvalidArgument);
  EXPECT_THROW(GroupSplit(Column::String("g", {"a", "b"}, {0, 1}), 0.5, 1), InvalidData);
}

TEST(SplitTest, GroupKFoldKeepsGroupsInOneFold) {
  std::vector<std::int64_t> sizes;
  const Column g = Groups(8, &sizes);
  const std::int64_t n = g.size();
  const auto folds = GroupKFold(g, 4, 3);
  ASSERT_EQ(folds.size(), 4u);
  std::map<std::string, std::set<int>> folds_of_group;
  std::size_t smallest = folds[0].test.size(), largest = 0;
  for (int f = 0; f < 4; ++f) {
    ExpectPartition(folds[static_cast<std::size_t>(f)], n);
    for (std::int64_t r : folds[static_cast<std::size_t>(f)].test) folds_of_group[g.ValueText(r)].insert(f);
    smallest = std::min(smallest, folds[static_cast<std::size_t>(f)].test.size());
    largest = std::max(largest, folds[static_cast<std::size_t>(f)].test.size());
  }
  EXPECT_EQ(folds_of_group.size(), 40u);
  for (const auto& [group, in] : folds_of_group) EXPECT_EQ(in.size(), 1u) << group;
  // Largest-first to the lightest fold: folds differ by at most the largest group.
  EXPECT_LE(largest - smallest, static_cast<std::size_t>(*std::max_element(sizes.begin(), sizes.end())));
  EXPECT_THROW(GroupKFold(g, 41, 1), InvalidArgument);
  EXPECT_THROW(GroupKFold(g, 1, 1), InvalidArgument);
}

}  // namespace
}  // namespace finai
