// The mitigation tables' logistic learner against sklearn's penalised, weighted LogisticRegression:
// tests/golden/fairness/make_logistic_learner_golden.py.
#include <gtest/gtest.h>

#include <numeric>
#include <string>

#include "fairness/logistic_learner.hpp"
#include "finai/core/context.hpp"
#include "finai/data/csv.hpp"

namespace finai::fairness {
namespace {

TEST(FairnessLogisticLearner, MatchesSklearnWithWeightsDummiesAndPenalty) {
  const CsvTable t = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/tests/golden/fairness/audit_case.csv", {}, Context());
  ASSERT_EQ(t.frame.column("x2").type(), ColumnType::kCategorical);
  const Frame x({t.frame.column("x1"), t.frame.column("age"), t.frame.column("x2")});
  std::vector<std::int64_t> train_rows(160), test_rows(80);
  std::iota(train_rows.begin(), train_rows.end(), 0);
  std::iota(test_rows.begin(), test_rows.end(), 160);
  const Frame train = x.Take(train_rows), test = x.Take(test_rows);
  const std::vector<double> label = t.frame.column("label").ToFloat64();
  const std::vector<double> y(label.begin(), label.begin() + 160);
  std::vector<double> w(160);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 1 + 0.5 * static_cast<double>(i % 3);
  // make_logistic_learner_golden.py, the "newton" lines, l2 1 and l2 25 (sklearn's lbfgs agrees to 1e-5).
  const auto p1 = detail::LogisticTrainPredict(train, y, w, {&test, &train}, 1.0);
  EXPECT_NEAR(p1[0][0], 0.3864351215, 1e-7);
  EXPECT_NEAR(p1[0][1], 0.4414612041, 1e-7);
  EXPECT_NEAR(p1[0][2], 0.4647497211, 1e-7);
  EXPECT_NEAR(p1[0][79], 0.4138761136, 1e-7);
  EXPECT_NEAR(p1[1][0], 0.3929301270, 1e-7);
  const auto p25 = detail::LogisticTrainPredict(train, y, w, {&test}, 25.0);
  EXPECT_NEAR(p25[0][0], 0.3734565541, 1e-7);
  EXPECT_NEAR(p25[0][79], 0.3919330245, 1e-7);
}

}  // namespace
}  // namespace finai::fairness
