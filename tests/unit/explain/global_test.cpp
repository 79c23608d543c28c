#include <gtest/gtest.h>

#include "finai/core/error.hpp"
#include "finai/explain/global.hpp"

namespace finai::explain {
namespace {

TEST(MeanAbsShap, AveragesAbsoluteContributionsPerFeatureAndOutput) {
  ShapMatrix shap;
  shap.rows = 2;
  shap.outputs = 2;
  shap.features = 2;
  // row 0: output 0 (1, -3 | e), output 1 (0.5, 0 | e); row 1: output 0 (-2, 1 | e), output 1 (-0.5, 4 | e)
  shap.values = {1, -3, 9, 0.5, 0, 9, -2, 1, 9, -0.5, 4, 9};
  EXPECT_EQ(MeanAbsShap(shap, 0), (std::vector<double>{1.5, 2.0}));
  EXPECT_EQ(MeanAbsShap(shap, 1), (std::vector<double>{0.5, 2.0}));
  EXPECT_THROW(MeanAbsShap(shap, 2), InvalidArgument);
  shap.rows = 0;
  shap.values.clear();
  EXPECT_EQ(MeanAbsShap(shap, 0), (std::vector<double>{0.0, 0.0}));
}

}  // namespace
}  // namespace finai::explain
