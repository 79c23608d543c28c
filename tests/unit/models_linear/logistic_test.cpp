// Logistic regression against statsmodels' Logit (golden values: tests/golden/scorecard/make_logit_golden.py),
// weights as repeated rows, the L2 penalty, and the errors for separation and singular designs.
#include "finai/models/linear/logistic.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "finai/core/error.hpp"
#include "finai/data/csv.hpp"

namespace finai::linear {
namespace {

// Printed by tests/golden/scorecard/make_logit_golden.py (statsmodels Logit, newton, tol 1e-12); rows 4073.
const std::vector<double> kCoef = {-0.829826639845,  -0.0988649718014,  -0.00268963596998, 0.0152875828352,
                                   0.00220920695758, -0.00121010267881, -0.709572964982};
const std::vector<double> kStdErr = {0.204173207061,    0.00687257187396,  0.00338442565305, 0.00209923245364,
                                     0.000178549487848, 0.000136442535977, 0.0688276888598};
const std::vector<double> kZ = {-4.06432681247, -14.3854402129, -0.794709722036, 7.28246307775,
                                12.3730792185,  -8.86895475925, -10.30941147};
const std::vector<double> kP = {4.81712911101e-05, 6.38704100653e-47, 0.426782375747,   3.27779667622e-13,
                                3.65534526971e-35, 7.38356649178e-19, 6.38913729116e-25};
const std::vector<double> kCiLower = {-1.22999877229,   -0.112334965155,   -0.00932298835831, 0.0111731628309,
                                      0.00185925639194, -0.00147752513529, -0.844472756286};
const std::vector<double> kCiUpper = {-0.429654507398,  -0.0853949784472,   0.00394371641834, 0.0194020028395,
                                      0.00255915752322, -0.000942680222341, -0.574673173678};
const double kLogLik = -1975.30666312;
const double kNullLogLik = -2310.76078216;
const double kAic = 3964.61332625;
const double kBic = 4008.798272;

struct CreditData {
  DesignMatrix x;
  std::vector<double> y;
};

CreditData LoadCredit() {
  const CsvTable table = ReadCsv(std::string(FINAI_SOURCE_DIR) + "/data/credit_data.csv", CsvOptions(), Context());
  const std::vector<std::string> names = {"Seniority", "Time", "Expenses", "Amount", "Price", "Income"};
  std::vector<std::vector<double>> cols;
  for (const auto& name : names) cols.push_back(table.frame.column(name).ToFloat64());
  const Column& status = table.frame.column("Status");
  CreditData data;
  std::vector<std::vector<double>> kept(names.size());
  for (std::int64_t r = 0; r < table.frame.num_rows(); ++r) {
    bool missing = status.IsMissing(r);
    for (const auto& c : cols) missing = missing || std::isnan(c[static_cast<std::size_t>(r)]);
    if (missing) continue;
    for (std::size_t j = 0; j < names.size(); ++j) {
      const double v = cols[j][static_cast<std::size_t>(r)];
      kept[j].push_back(names[j] == "Income" ? v / 100.0 : v);
    }
    data.y.push_back(status.ValueText(r) == "bad" ? 1.0 : 0.0);
  }
  for (std::size_t j = 0; j < names.size(); ++j) data.x.AddColumn(names[j], kept[j]);
  return data;
}

void ExpectRelNear(const std::vector<double>& actual, const std::vector<double>& expected, double tol,
                   const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tol * std::max(1.0, std::abs(expected[i]))) << what << "[" << i << "]";
  }
}

TEST(Logistic, MatchesStatsmodelsLogitOnCreditData) {
  const CreditData data = LoadCredit();
  ASSERT_EQ(data.y.size(), 4073u);
  const LogisticFit fit = FitLogistic(data.x, data.y, {}, LogisticOptions());
  EXPECT_TRUE(fit.converged);
  EXPECT_EQ(fit.names.front(), "const");
  ExpectRelNear(fit.coef, kCoef, 1e-6, "coef");
  ExpectRelNear(fit.std_err, kStdErr, 1e-6, "std_err");
  ExpectRelNear(fit.z, kZ, 1e-6, "z");
  for (std::size_t i = 0; i < kP.size(); ++i) EXPECT_NEAR(fit.p_value[i], kP[i], 1e-6 * kP[i] + 1e-300) << i;
  ExpectRelNear(fit.ci_lower, kCiLower, 1e-6, "ci_lower");
  ExpectRelNear(fit.ci_upper, kCiUpper, 1e-6, "ci_upper");
  EXPECT_NEAR(fit.log_likelihood, kLogLik, 1e-6);
  EXPECT_NEAR(fit.null_log_likelihood, kNullLogLik, 1e-6);
  EXPECT_NEAR(fit.aic, kAic, 1e-6);
  EXPECT_NEAR(fit.bic, kBic, 1e-6);
}

TEST(Logistic, IntegerWeightsEqualRepeatedRows) {
  DesignMatrix x, xr;
  const std::vector<double> a = {0.1, 0.5, 0.9, 1.3, 1.7, 2.1, 2.5, 2.9};
  const std::vector<double> y = {0, 0, 1, 0, 1, 0, 1, 1};
  const std::vector<double> w = {1, 2, 1, 3, 1, 2, 2, 1};
  std::vector<double> ar, yr;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (int c = 0; c < w[i]; ++c) {
      ar.push_back(a[i]);
      yr.push_back(y[i]);
    }
  }
  x.AddColumn("a", a);
  xr.AddColumn("a", ar);
  const LogisticFit fw = FitLogistic(x, y, w, LogisticOptions());
  const LogisticFit fr = FitLogistic(xr, yr, {}, LogisticOptions());
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_NEAR(fw.coef[j], fr.coef[j], 1e-9);
    EXPECT_NEAR(fw.std_err[j], fr.std_err[j], 1e-9);
  }
  EXPECT_NEAR(fw.log_likelihood, fr.log_likelihood, 1e-9);
  EXPECT_NEAR(fw.bic, fr.bic, 1e-9);
}

TEST(Logistic, L2ShrinksSlopesAndSatisfiesPenalisedScoreEquation) {
  const CreditData data = LoadCredit();
  LogisticOptions options;
  options.l2 = 50.0;
  const LogisticFit fit = FitLogistic(data.x, data.y, {}, options);
  const LogisticFit mle = FitLogistic(data.x, data.y, {}, LogisticOptions());
  double norm_fit = 0, norm_mle = 0;
  for (std::size_t j = 1; j < fit.coef.size(); ++j) {
    norm_fit += fit.coef[j] * fit.coef[j];
    norm_mle += mle.coef[j] * mle.coef[j];
  }
  EXPECT_LT(norm_fit, norm_mle);
  // Stationarity: X'(y - p) = l2 * beta for each slope, and sum (y - p) = 0 for the intercept.
  const std::vector<double> p = fit.Probability(data.x);
  double s0 = 0;
  for (std::size_t i = 0; i < p.size(); ++i) s0 += data.y[i] - p[i];
  EXPECT_NEAR(s0, 0, 1e-6);
  for (std::int64_t j = 0; j < data.x.cols(); ++j) {
    const auto col = data.x.column(j);
    double s = 0;
    for (std::size_t i = 0; i < p.size(); ++i) s += col[i] * (data.y[i] - p[i]);
    EXPECT_NEAR(s, 50.0 * fit.coef[static_cast<std::size_t>(j) + 1], 1e-5 * std::max(1.0, std::abs(s))) << j;
  }
}

TEST(Logistic, PerfectSeparationIsAnError) {
  DesignMatrix x;
  x.AddColumn("a", std::vector<double>{1, 2, 3, 4, 5, 6});
  const std::vector<double> y = {0, 0, 0, 1, 1, 1};
  try {
    FitLogistic(x, y, {}, LogisticOptions());
    FAIL() << "expected an error";
  } catch (const InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("perfect separation"), std::string::npos) << e.what();
  }
  LogisticOptions ridge;
  ridge.l2 = 1.0;
  EXPECT_NO_THROW(FitLogistic(x, y, {}, ridge));
}

TEST(Logistic, SingularDesignNamesTheColumn) {
  DesignMatrix x;
  x.AddColumn("a", std::vector<double>{1, 2, 3, 4, 5, 6});
  x.AddColumn("b", std::vector<double>{0, 1, 0, 1, 1, 0});
  x.AddColumn("a_plus_b", std::vector<double>{1, 3, 3, 5, 6, 6});
  const std::vector<double> y = {0, 1, 0, 1, 0, 1};
  try {
    FitLogistic(x, y, {}, LogisticOptions());
    FAIL() << "expected an error";
  } catch (const InvalidData& e) {
    EXPECT_NE(std::string(e.what()).find("singular design"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'a_plus_b'"), std::string::npos) << e.what();
  }
  DesignMatrix c;
  c.AddColumn("constant", std::vector<double>{2, 2, 2, 2, 2, 2});
  EXPECT_THROW(FitLogistic(c, y, {}, LogisticOptions()), InvalidData);
}

TEST(Logistic, BadInputs) {
  DesignMatrix x;
  x.AddColumn("a", std::vector<double>{1, 2, 3, 4});
  EXPECT_THROW(FitLogistic(x, std::vector<double>{0, 1, 2, 0}, {}, LogisticOptions()), InvalidData);
  EXPECT_THROW(FitLogistic(x, std::vector<double>{1, 1, 1, 1}, {}, LogisticOptions()), InvalidData);
  EXPECT_THROW(FitLogistic(x, std::vector<double>{0, 1}, {}, LogisticOptions()), InvalidArgument);
  LogisticOptions bad;
  bad.l2 = -1;
  EXPECT_THROW(FitLogistic(x, std::vector<double>{0, 1, 0, 1}, {}, bad), InvalidArgument);
  EXPECT_NEAR(NormalTwoSidedP(1.959963984540054), 0.05, 1e-12);
}

}  // namespace
}  // namespace finai::linear
