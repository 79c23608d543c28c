#include "finai/data/binner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>

#include "finai/core/context.hpp"
#include "finai/core/error.hpp"
#include "finai/data/datetime.hpp"

namespace finai {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Context Threads(int n) {
  Context ctx;
  ctx.set_threads(n);
  return ctx;
}

Binner FitOne(const Column& column, const BinnerOptions& options = {}, std::span<const double> weights = {}) {
  const std::string name = column.name();
  return Binner::Fit(Frame({column}), {name}, weights, options, Threads(1));
}

template <typename F>
void ExpectInvalidArgumentField(F&& f, const std::string& field) {
  try {
    f();
    ADD_FAILURE() << "no InvalidArgument for " << field;
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.location().field, field) << e.what();
  }
}

template <typename F>
void ExpectInvalidDataField(F&& f, const std::string& field) {
  try {
    f();
    ADD_FAILURE() << "no InvalidData for " << field;
  } catch (const InvalidData& e) {
    EXPECT_EQ(e.location().field, field) << e.what();
  }
}

TEST(BinnerOptionsTest, RejectsValuesOutOfRangeNamingTheField) {
  auto with = [](auto change) {
    BinnerOptions o;
    change(o);
    return [o] { o.Validate(); };
  };
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.max_bins = 2; }), "max_bins");
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.max_bins = 65537; }), "max_bins");
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.min_bin_weight_fraction = -0.1; }),
                             "min_bin_weight_fraction");
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.min_bin_weight_fraction = kNaN; }),
                             "min_bin_weight_fraction");
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.min_bin_weight_fraction = 0.6; }),
                             "min_bin_weight_fraction");
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.max_categories = 0; }), "max_categories");
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.sketch_size = 100; }), "sketch_size");  // < max_bins
  ExpectInvalidArgumentField(with([](BinnerOptions& o) { o.exact_summary_values = -1; }), "exact_summary_values");
  EXPECT_NO_THROW(BinnerOptions{}.Validate());
}

TEST(BinnerTest, DistinctValuesGetTheirOwnBinsWithMidpointCuts) {
  const Binner binner = FitOne(Column::Float64("x", {5, 1, 2, kNaN, 2, 3}));
  const FeatureBins& bins = binner.feature("x");
  EXPECT_EQ(bins.cuts(), (std::vector<double>{1.5, 2.5, 4}));
  ASSERT_EQ(bins.NumBins(), 5);
  EXPECT_EQ(bins.MissingBin(), 4);
  EXPECT_EQ(bins.OtherBin(), FeatureBins::kNoBin);
  EXPECT_EQ(bins.Bin(1), 0);
  EXPECT_EQ(bins.Bin(2), 1);
  EXPECT_EQ(bins.Bin(2.5), 1);  // a cut belongs to the bin below it
  EXPECT_EQ(bins.Bin(3), 2);
  EXPECT_EQ(bins.Bin(5), 3);
  EXPECT_EQ(bins.Bin(1e300), 3);
  EXPECT_EQ(bins.Bin(-INFINITY), 0);
  EXPECT_EQ(bins.Bin(kNaN), 4);
  EXPECT_EQ(bins.BinLabel(0), "(-inf, 1.5]");
  EXPECT_EQ(bins.BinLabel(2), "(2.5, 4]");
  EXPECT_EQ(bins.BinLabel(3), "(4, +inf)");
  EXPECT_EQ(bins.BinLabel(4), "missing");
  EXPECT_EQ(bins.BinLowerBound(0), -INFINITY);
  EXPECT_EQ(bins.BinUpperBound(3), INFINITY);
  EXPECT_TRUE(std::isnan(bins.BinUpperBound(4)));
  EXPECT_THROW(bins.BinLabel(5), InvalidArgument);
  EXPECT_THROW(bins.BinCategory(0), InvalidArgument);
}

TEST(BinnerTest, AllMissingColumnHasOneValueBinAndTheMissingBin) {
  const Binner binner = FitOne(Column::Float64("x", {kNaN, kNaN}));
  EXPECT_EQ(binner.feature(0).NumBins(), 2);
  EXPECT_EQ(binner.feature(0).BinLabel(0), "(-inf, +inf)");
  const BinnedMatrix m = binner.Transform(Frame({Column::Float64("x", {kNaN, 3.0})}), Threads(1));
  EXPECT_EQ(m.At(0, 0), 1);
  EXPECT_EQ(m.At(1, 0), 0);
}

TEST(BinnerTest, EveryValueLandsInItsInterval) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(50, 20);
  std::vector<double> values(20000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = i % 17 == 0 ? kNaN : std::round(normal(rng) * 100) / 100;
  const Frame frame({Column::Float64("x", values)});
  BinnerOptions options;
  options.max_bins = 32;
  const Binner binner = Binner::Fit(frame, {"x"}, {}, options, Threads(1));
  const FeatureBins& bins = binner.feature(0);
  EXPECT_EQ(bins.NumBins(), 32);
  const BinnedMatrix m = binner.Transform(frame, Threads(1));
  ASSERT_TRUE(m.is_uint8());
  for (std::size_t row = 0; row < values.size(); ++row) {
    const int bin = m.Column8(0)[row];
    if (std::isnan(values[row])) {
      EXPECT_EQ(bin, bins.MissingBin());
      continue;
    }
    ASSERT_LT(bin, bins.MissingBin());
    EXPECT_LT(bins.BinLowerBound(bin), values[row]) << "row " << row;
    EXPECT_LE(values[row], bins.BinUpperBound(bin)) << "row " << row;
  }
}

// Weighted quantile cuts, recomputed plainly: with V value bins, cut j is the smallest value whose weight
// at or below reaches j W / V; a cut at the largest value is dropped, repeats give one cut.
TEST(BinnerTest, CutsAreExactWeightedQuantilesWhenTheSketchIsExact) {
  std::mt19937_64 rng(21);
  std::vector<double> values(3000);
  std::vector<double> weights(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<double>(rng() % 1000);  // about 950 distinct values: more than the bins
    weights[i] = static_cast<double>(rng() % 5);    // integers, zeros included: sums are exact
  }
  BinnerOptions options;
  options.max_bins = 11;  // 10 value bins
  const Binner binner = FitOne(Column::Float64("x", values), options, weights);

  std::vector<std::pair<double, double>> sorted;
  for (std::size_t i = 0; i < values.size(); ++i) sorted.emplace_back(values[i], weights[i]);
  std::sort(sorted.begin(), sorted.end());
  double total = 0;
  for (const auto& p : sorted) total += p.second;
  double largest = 0;
  for (const auto& p : sorted)
    if (p.second > 0) largest = p.first;
  std::vector<double> expected;
  for (int j = 1; j < 10; ++j) {
    const double rank = total * j / 10;
    double cumulative = 0;
    for (const auto& [v, w] : sorted) {
      cumulative += w;
      if (w > 0 && cumulative >= rank) {
        if (v < largest && (expected.empty() || v > expected.back())) expected.push_back(v);
        break;
      }
    }
  }
  EXPECT_EQ(binner.feature(0).cuts(), expected);
}

// Cuts of 200k exponential values with 10 value bins, sketched (exact_summary_values 0) or summarised
// exactly (the default for this many values), against the documented rank error (0 when exact).
class BinnerRankErrorTest : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Summary, BinnerRankErrorTest, ::testing::Values(false, true),
                         [](const auto& test) { return test.param ? "Exact" : "Sketched"; });

TEST_P(BinnerRankErrorTest, CutsStayWithinTheDocumentedRankError) {
  constexpr int kRows = 200000;
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> exponential(0.1);
  std::vector<double> values(kRows);
  for (double& v : values) v = exponential(rng);
  BinnerOptions options;
  options.max_bins = 11;
  options.sketch_size = 1024;
  if (!GetParam()) options.exact_summary_values = 0;
  const FeatureBins bins = FitOne(Column::Float64("x", values), options).feature(0);
  ASSERT_EQ(bins.NumBins(), 11);  // continuous data: no repeated cuts

  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const double levels = 1 + std::floor(std::log2(kRows / (2.0 * 1024)));
  const double error = GetParam() ? 0.0 : levels * kRows / (2 * 1023.0);  // sketched: about 0.4% of the rows
  for (int j = 1; j <= 9; ++j) {
    const double cut = bins.cuts()[static_cast<std::size_t>(j - 1)];
    const double rank = kRows * j / 10.0;
    const auto below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), cut) - sorted.begin());
    const auto at_or_below = static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), cut) - sorted.begin());
    EXPECT_LE(below, rank + error) << "cut " << j;
    EXPECT_GE(at_or_below, rank - error) << "cut " << j;
  }
}

TEST(BinnerTest, FittingOnRowsEqualsFittingOnTheirCopy) {
  // A sample given as rows gives the bins of a frame holding just those rows, weighted or not, sketched
  // or exact; a row outside the frame is InvalidArgument naming "rows".
  std::mt19937_64 rng(8);
  std::vector<double> x(30000), w(x.size());
  std::vector<std::int32_t> c(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = rng() % 10 == 0 ? kNaN : static_cast<double>(rng() % 100000) / 7;
    w[i] = static_cast<double>(rng() % 4);
    c[i] = static_cast<std::int32_t>(rng() % 6);
  }
  const Frame frame({Column::Float64("x", x), Column::Categorical("c", c, {"a", "b", "c", "d", "e", "f"})});
  std::vector<std::int64_t> rows;
  for (std::int64_t r = 0; r < frame.num_rows(); ++r) {
    if (rng() % 3 == 0) rows.push_back(r);
  }
  std::vector<double> sample_w;
  for (const std::int64_t r : rows) sample_w.push_back(w[static_cast<std::size_t>(r)]);
  for (const std::int64_t exact : {std::int64_t{0}, std::int64_t{1} << 20}) {
    BinnerOptions options;
    options.exact_summary_values = exact;
    for (const bool weighted : {false, true}) {
      const Binner on_rows = Binner::Fit(frame, {"x", "c"}, weighted ? std::span<const double>(w) : std::span<const double>(),
                                         options, Threads(2), rows);
      const Binner on_copy = Binner::Fit(frame.Take(rows), {"x", "c"},
                                         weighted ? std::span<const double>(sample_w) : std::span<const double>(), options,
                                         Threads(1));
      EXPECT_EQ(on_rows.ToJson(), on_copy.ToJson()) << "exact " << exact << " weighted " << weighted;
    }
  }
  const std::vector<std::int64_t> bad{0, 30000};
  ExpectInvalidArgumentField([&] { Binner::Fit(frame, {"x"}, {}, {}, Threads(1), bad); }, "rows");
}

TEST(BinnerTest, MinBinWeightMergesLightBins) {
  // Weights 100, 1, 100 at 1, 2, 3 with a 10% minimum: the bin of 2 is too light and joins the bin of 3.
  BinnerOptions options;
  options.min_bin_weight_fraction = 0.1;
  const std::vector<double> weights{100, 1, 100};
  const FeatureBins bins = FitOne(Column::Float64("x", {1, 2, 3}), options, weights).feature(0);
  EXPECT_EQ(bins.cuts(), (std::vector<double>{1.5}));
  // A light last bin is merged into the one before it.
  const std::vector<double> weights2{100, 100, 1};
  EXPECT_EQ(FitOne(Column::Float64("x", {1, 2, 3}), options, weights2).feature(0).cuts(), (std::vector<double>{1.5}));
}

TEST(BinnerTest, CategoricalBinsByWeightWithOtherAndMissing) {
  // rent x5, own x3, mortgage x3, boat x1, missing x1; 3 categories fit in max_bins = 5.
  const std::vector<std::string> dictionary{"own", "rent", "mortgage", "boat"};
  const std::vector<std::int32_t> codes{1, 1, 1, 1, 1, 0, 0, 0, 2, 2, 2, 3, kMissingCode};
  BinnerOptions options;
  options.max_bins = 5;
  const FeatureBins bins = FitOne(Column::Categorical("home", codes, dictionary), options).feature(0);
  ASSERT_EQ(bins.NumBins(), 5);
  // Ties (own, mortgage: 3 each) in text order.
  EXPECT_EQ(bins.categories(), (std::vector<std::string>{"rent", "mortgage", "own"}));
  EXPECT_EQ(bins.OtherBin(), 3);
  EXPECT_EQ(bins.MissingBin(), 4);
  EXPECT_EQ(bins.BinCategory(1), 0);  // rent
  EXPECT_EQ(bins.BinCategory(3), 3);  // boat: not kept
  EXPECT_EQ(bins.BinCategory(kMissingCode), 4);
  EXPECT_EQ(bins.BinCategory(99), 3);  // outside the fitted dictionary
  EXPECT_EQ(bins.BinCategory(std::string_view("own")), 2);
  EXPECT_EQ(bins.BinCategory(std::string_view("caravan")), 3);  // unseen
  EXPECT_EQ(bins.BinLabel(0), "rent");
  EXPECT_EQ(bins.BinLabel(3), "other");
  EXPECT_EQ(bins.BinLabel(4), "missing");
  EXPECT_THROW(bins.Bin(1.0), InvalidArgument);
  EXPECT_THROW(bins.BinCategory(-2), InvalidArgument);
  EXPECT_THROW(bins.BinLowerBound(0), InvalidArgument);

  // max_categories caps the kept categories below what max_bins allows; min weight sends rare ones to other.
  options.max_bins = 255;
  options.max_categories = 1;
  EXPECT_EQ(FitOne(Column::Categorical("home", codes, dictionary), options).feature(0).categories(),
            (std::vector<std::string>{"rent"}));
  options.max_categories = 253;
  options.min_bin_weight_fraction = 0.2;  // 13 rows in all: 2.6 needed, boat has 1
  EXPECT_EQ(FitOne(Column::Categorical("home", codes, dictionary), options).feature(0).categories(),
            (std::vector<std::string>{"rent", "mortgage", "own"}));
}

TEST(BinnerTest, TransformMatchesCategoriesByText) {
  const std::vector<std::int32_t> codes{0, 0, 1};
  const Binner binner = FitOne(Column::Categorical("c", codes, {"a", "b"}));
  // Same categories, another dictionary order, plus one unseen category and a missing value.
  const Frame scoring({Column::Categorical("c", {0, 1, 2, kMissingCode}, {"b", "zzz", "a"})});
  const BinnedMatrix m = binner.Transform(scoring, Threads(1));
  const FeatureBins& bins = binner.feature(0);
  EXPECT_EQ(m.At(0, 0), bins.BinCategory(std::string_view("b")));
  EXPECT_EQ(m.At(1, 0), bins.OtherBin());
  EXPECT_EQ(m.At(2, 0), bins.BinCategory(std::string_view("a")));
  EXPECT_EQ(m.At(3, 0), bins.MissingBin());
  EXPECT_EQ(m.At(2, 0), 0);  // "a" is the heavier category
}

TEST(BinnerTest, Float32AndDateTimeBinLikeFloat64) {
  const std::vector<float> f32{0.1f, 0.2f, 0.3f};
  const FeatureBins fb = FitOne(Column::Float32("f", f32)).feature(0);
  ASSERT_EQ(fb.cuts().size(), 2u);
  for (double cut : fb.cuts()) EXPECT_EQ(static_cast<double>(static_cast<float>(cut)), cut) << "cut not a float";
  EXPECT_EQ(fb.Bin(0.1f), 0);
  EXPECT_EQ(fb.Bin(0.2f), 1);
  EXPECT_EQ(fb.Bin(0.3f), 2);

  const std::int64_t day = 86400;
  const std::int64_t jan1 = *ParseDateTime("2024-01-01");
  const FeatureBins tb = FitOne(Column::DateTime("t", {jan1, jan1 + 2 * day, kMissingTime, jan1 + 2 * day})).feature(0);
  EXPECT_EQ(tb.cuts(), (std::vector<double>{static_cast<double>(jan1 + day)}));
  EXPECT_EQ(tb.BinLabel(0), "(-inf, 2024-01-02]");
  EXPECT_EQ(tb.NumBins(), 3);
  const BinnedMatrix m =
      Binner({tb}).Transform(Frame({Column::DateTime("t", {kMissingTime, jan1 + 3 * day})}), Threads(1));
  EXPECT_EQ(m.At(0, 0), 2);
  EXPECT_EQ(m.At(1, 0), 1);
  // A float64 column can be scored with float32 bins, not with datetime bins.
  EXPECT_NO_THROW(Binner({fb}).Transform(Frame({Column::Float64("f", {0.15})}), Threads(1)));
  ExpectInvalidDataField([&] { Binner({tb}).Transform(Frame({Column::Float64("t", {1.0})}), Threads(1)); }, "t");
}

TEST(BinnerTest, WideCodesWhenAFeatureHasMoreThan256Bins) {
  std::vector<double> values(600);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  BinnerOptions options;
  options.max_bins = 1000;
  const Frame frame({Column::Float64("x", values), Column::Float64("y", {values.rbegin(), values.rend()})});
  const Binner binner = Binner::Fit(frame, {"x", "y"}, {}, options, Threads(1));
  EXPECT_EQ(binner.feature(0).NumBins(), 601);
  const BinnedMatrix m = binner.Transform(frame, Threads(1));
  ASSERT_FALSE(m.is_uint8());
  EXPECT_EQ(m.bytes_per_code(), 2);
  EXPECT_EQ(m.Column16(0)[599], 599);
  EXPECT_EQ(m.Column16(1)[0], 599);
  EXPECT_THROW(m.Column8(0), InternalError);
}

Frame MixedFrame(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> a(n), b(n);
  std::vector<float> c(n);
  std::vector<std::int32_t> d(n);
  std::vector<std::int64_t> t(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = i % 11 == 0 ? kNaN : normal(rng);
    b[i] = static_cast<double>(rng() % 7);
    c[i] = static_cast<float>(normal(rng) * 1000);
    d[i] = i % 13 == 0 ? kMissingCode : static_cast<std::int32_t>(rng() % 40);
    t[i] = 1600000000 + static_cast<std::int64_t>(rng() % 100000000);
  }
  std::vector<std::string> dictionary;
  for (int i = 0; i < 40; ++i) dictionary.push_back("cat" + std::to_string(i));
  return Frame({Column::Float64("a", a), Column::Float64("b", b), Column::Float32("c", c),
                Column::Categorical("d", d, dictionary), Column::DateTime("t", t)});
}

TEST(BinnerTest, BitIdenticalAtOneAndTwoThreads) {
  const Frame frame = MixedFrame(150000, 13);
  std::vector<double> weights(static_cast<std::size_t>(frame.num_rows()));
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 0.5 + static_cast<double>(i % 9) * 0.37;
  BinnerOptions options;
  options.max_bins = 64;
  options.max_categories = 20;
  options.sketch_size = 256;  // small, so that pruning happens
  const std::vector<std::string> features{"a", "b", "c", "d", "t"};
  const Binner one = Binner::Fit(frame, features, weights, options, Threads(1));
  const Binner two = Binner::Fit(frame, features, weights, options, Threads(2));
  EXPECT_EQ(one.ToJson().dump(), two.ToJson().dump());
  EXPECT_TRUE(one == two);
  const BinnedMatrix m1 = one.Transform(frame, Threads(1));
  const BinnedMatrix m2 = one.Transform(frame, Threads(2));
  EXPECT_TRUE(m1 == m2);
  EXPECT_EQ(m1.num_features(), 5);
  EXPECT_EQ(m1.num_rows(), frame.num_rows());
  EXPECT_EQ(one.feature("b").NumBins(), 8);   // 7 distinct values + missing
  EXPECT_EQ(one.feature("d").NumBins(), 22);  // 20 categories + other + missing
}

TEST(BinnerTest, JsonRoundTrip) {
  const Frame frame = MixedFrame(5000, 17);
  const Binner binner = Binner::Fit(frame, {"a", "b", "c", "d", "t"}, {}, BinnerOptions{}, Threads(1));
  const std::string text = binner.ToJson().dump();
  const Binner loaded = Binner::FromJson(nlohmann::json::parse(text));
  EXPECT_TRUE(loaded == binner);
  EXPECT_EQ(loaded.ToJson().dump(), text);
  EXPECT_TRUE(loaded.Transform(frame, Threads(1)) == binner.Transform(frame, Threads(1)));
  // Codes of the fitted dictionary still work after loading.
  for (std::int32_t code = 0; code < 40; ++code) {
    EXPECT_EQ(loaded.feature("d").BinCategory(code), binner.feature("d").BinCategory(code));
  }
}

TEST(BinnerTest, BadJsonIsInvalidDataNamingTheKey) {
  const Binner binner = FitOne(Column::Float64("x", {1, 2, 3}));
  const nlohmann::json good = binner.ToJson();
  auto broken = [&](auto change) {
    nlohmann::json j = good;
    change(j);
    return [j] { Binner::FromJson(j); };
  };
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"][0].erase("cuts"); }), "features[0].cuts");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"][0]["cut"] = 1; }), "features[0].cut");
  ExpectInvalidDataField(broken([](nlohmann::json& j) {
                           j["features"][0]["cuts"] = {2.5, 1.5};
                         }),
                         "features[0].cuts[1]");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"][0]["cuts"][0] = "1.5"; }), "features[0].cuts[0]");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"][0]["num_bins"] = 7; }), "features[0].num_bins");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"][0]["kind"] = "fuzzy"; }), "features[0].kind");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"][0]["column_type"] = "categorical"; }),
                         "features[0].column_type");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["format"] = "other"; }), "format");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"].push_back(j["features"][0]); }),
                         "features[1].feature");
  ExpectInvalidDataField(broken([](nlohmann::json& j) { j["features"] = 3; }), "features");
  EXPECT_THROW(broken([](nlohmann::json& j) { j["version"] = 99; })(), Unsupported);

  const nlohmann::json cat = FitOne(Column::Categorical("c", {0, 1}, {"a", "b"})).ToJson();
  nlohmann::json bad_codes = cat;
  bad_codes["features"][0]["dictionary_codes"] = {0, 0};
  ExpectInvalidDataField([&] { Binner::FromJson(bad_codes); }, "features[0].dictionary_codes[1]");
  nlohmann::json bad_category = cat;
  bad_category["features"][0]["categories"][1] = 5;
  ExpectInvalidDataField([&] { Binner::FromJson(bad_category); }, "features[0].categories[1]");
}

TEST(BinnerTest, FitRejectsBadArguments) {
  const Frame frame({Column::Float64("x", {1, 2}), Column::String("s", {"a", "b"}, {})});
  const std::vector<double> short_weights{1};
  const std::vector<double> negative_weights{1, -1};
  ExpectInvalidArgumentField([&] { Binner::Fit(frame, {"x"}, short_weights, {}, Threads(1)); }, "weights");
  ExpectInvalidArgumentField([&] { Binner::Fit(frame, {"x"}, negative_weights, {}, Threads(1)); }, "weights");
  ExpectInvalidArgumentField([&] { Binner::Fit(frame, {"s"}, {}, {}, Threads(1)); }, "s");
  ExpectInvalidArgumentField([&] { Binner::Fit(frame, {"x", "x"}, {}, {}, Threads(1)); }, "feature_columns");
  BinnerOptions bad;
  bad.max_bins = 1;
  ExpectInvalidArgumentField([&] { Binner::Fit(frame, {"x"}, {}, bad, Threads(1)); }, "max_bins");
  EXPECT_THROW(Binner::Fit(frame, {"nope"}, {}, {}, Threads(1)), NotFound);
  const Binner binner = Binner::Fit(frame, {"x"}, {}, {}, Threads(1));
  EXPECT_THROW(binner.Transform(Frame({Column::Float64("y", {1})}), Threads(1)), NotFound);
  EXPECT_THROW(binner.feature("y"), NotFound);
  EXPECT_THROW(FeatureBins::Numeric("x", ColumnType::kFloat64, {2, 1}), InvalidArgument);
  EXPECT_THROW(FeatureBins::Categorical("c", {"a", "a"}), InvalidArgument);
}

}  // namespace
}  // namespace finai
