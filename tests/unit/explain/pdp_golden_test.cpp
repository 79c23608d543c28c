// Partial dependence and ICE curves of imported XGBoost models against scikit-learn 1.2's brute-force
// partial_dependence (kind="both") on the same model and rows: an independent reference. Fixtures (model JSON, rows,
// scikit-learn's values) are written by tests/golden/explain/make_pdp_golden.py.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "finai/core/file.hpp"
#include "finai/explain/partial_dependence.hpp"
#include "finai/models/gbdt/import.hpp"
#include "fixture_csv.hpp"

namespace finai::explain {
namespace {

using testing::FixturePath;

// The fixture's data lines (its header left out).
std::vector<std::vector<std::string>> ReadCsv(const std::string& name) { return testing::ReadFixtureCsv(name).rows; }

// The rows in the model's feature order (the fixtures' columns are the model's features f0..f3 in order).
gbdt::FeatureMatrix Rows() {
  const auto lines = ReadCsv("pdp_data.csv");
  gbdt::FeatureMatrix x{.rows = static_cast<std::int64_t>(lines.size()), .cols = 4};
  for (const auto& fields : lines) {
    for (const auto& v : fields) x.values.push_back(v.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(v));
  }
  return x;
}

// One case of pdp_expected.csv: the grid, and scikit-learn's value per (class, row or -1 for PD, point).
struct Expected {
  int feature = -1;
  std::vector<double> grid;
  std::map<std::tuple<int, int, int>, double> value;
};

Expected Case(const std::string& name) {
  Expected e;
  for (const auto& f : ReadCsv("pdp_expected.csv")) {
    if (f[0] != name) continue;
    e.feature = std::stoi(f[1].substr(1));
    const int point = std::stoi(f[3]);
    if (static_cast<int>(e.grid.size()) <= point) e.grid.resize(static_cast<std::size_t>(point) + 1);
    e.grid[static_cast<std::size_t>(point)] = std::stod(f[4]);
    e.value[{std::stoi(f[2]), std::stoi(f[5]), point}] = std::stod(f[6]);
  }
  return e;
}

gbdt::GbdtModel Model(const std::string& name) {
  return gbdt::ImportXgboostJson(ReadFileToString(FixturePath(name)), name);
}

// Largest |finai - scikit-learn| over the case's PD and ICE values (probability scale).
double MaxDifference(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, const Expected& e,
                     const std::vector<double>& grid) {
  const PartialDependence pd =
      ComputePartialDependence(model, x, e.feature, {.grid = grid, .scale = CurveScale::kResponse}, Context());
  const bool binary = model.num_outputs() == 1;
  double worst = 0;
  for (const auto& [key, expected] : e.value) {
    const auto [cls, row, point] = key;
    const int k = binary ? 0 : cls;
    const double got = row < 0 ? pd.pd(k, static_cast<std::size_t>(point)) : pd.ice(row, k, static_cast<std::size_t>(point));
    worst = std::max(worst, std::abs(got - expected));
  }
  return worst;
}

TEST(PdpGolden, ExpectedValuesWereRead) {
  EXPECT_EQ(Case("default").value.size(), 10u * 11);  // 10 points x (PD + 10 ICE rows)
  EXPECT_EQ(Case("unique").grid.size(), 6u);
  EXPECT_EQ(Case("fixed").grid.size(), 6u);
  EXPECT_EQ(Case("multiclass").value.size(), 3u * 5 * 11);
}

// scikit-learn's default grid (mquantiles at 5% / 95%, linspace) is finai's DefaultGrid, and the curves match.
TEST(PdpGolden, DefaultGridBinaryMatchesScikitLearn) {
  const gbdt::GbdtModel model = Model("pdp_binary.json");
  const gbdt::FeatureMatrix x = Rows();
  const Expected e = Case("default");
  const std::vector<double> grid = DefaultGrid(model, x, e.feature, {.resolution = 10});
  ASSERT_EQ(grid.size(), e.grid.size());
  for (std::size_t g = 0; g < grid.size(); ++g) EXPECT_NEAR(grid[g], e.grid[g], 1e-12) << g;
  EXPECT_LT(MaxDifference(model, x, e, grid), 1e-6);
}

TEST(PdpGolden, FewDistinctValuesGridMatchesScikitLearn) {
  const gbdt::GbdtModel model = Model("pdp_binary.json");
  const gbdt::FeatureMatrix x = Rows();
  const Expected e = Case("unique");
  const std::vector<double> grid = DefaultGrid(model, x, e.feature, {.resolution = 10});
  EXPECT_EQ(grid, e.grid);
  EXPECT_LT(MaxDifference(model, x, e, grid), 1e-6);
}

// A fixed grid on a feature with missing values in the rows (they get the grid value like every other row).
TEST(PdpGolden, FixedGridMatchesScikitLearn) {
  const gbdt::GbdtModel model = Model("pdp_binary.json");
  const Expected e = Case("fixed");
  EXPECT_EQ(e.grid, (std::vector<double>{-2.0, -0.5, 0.0, 0.25, 1.5, 3.0}));
  EXPECT_LT(MaxDifference(model, Rows(), e, e.grid), 1e-6);
}

TEST(PdpGolden, MulticlassOneCurvePerClassMatchesScikitLearn) {
  const gbdt::GbdtModel model = Model("pdp_multiclass.json");
  ASSERT_EQ(model.num_outputs(), 3);
  const gbdt::FeatureMatrix x = Rows();
  const Expected e = Case("multiclass");
  const std::vector<double> grid = DefaultGrid(model, x, e.feature, {.resolution = 5});
  ASSERT_EQ(grid.size(), e.grid.size());
  for (std::size_t g = 0; g < grid.size(); ++g) EXPECT_NEAR(grid[g], e.grid[g], 1e-12) << g;
  EXPECT_LT(MaxDifference(model, x, e, grid), 1e-6);
}

// The comparison can fail: a perturbed reference value is detected.
TEST(PdpGolden, DetectsAWrongValue) {
  const gbdt::GbdtModel model = Model("pdp_binary.json");
  Expected e = Case("fixed");
  e.value.begin()->second += 1e-4;
  EXPECT_GT(MaxDifference(model, Rows(), e, e.grid), 5e-5);
}

}  // namespace
}  // namespace finai::explain
