// Bad input: each error has its kind and its exact message, since users (and the CLI's golden tests) see them.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "finai/core/error.hpp"
#include "finai/risk/backtest.hpp"
#include "finai/risk/var.hpp"

namespace finai::risk {
namespace {

template <typename ErrorType, typename F>
void ExpectError(F&& f, const std::string& message) {
  try {
    f();
    ADD_FAILURE() << "no error; expected: " << message;
  } catch (const ErrorType& e) {
    EXPECT_EQ(std::string(e.what()), message);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "another error type: " << e.what();
  }
}

const std::vector<double> kReturns = {0.5, -1.2, 0.3, -0.7, 2.0, -2.2, 0.1, 0.9, -0.4, 1.1};

TEST(VarErrors, NanReturn) {
  std::vector<double> r = kReturns;
  r[3] = std::numeric_limits<double>::quiet_NaN();
  const std::string message =
      "column 'returns': value 'nan': return at index 3 (0-based) is not a finite number; expected finite values "
      "(drop or fill missing values first)";
  ExpectError<InvalidData>([&] { HistoricalVarEs(r, {}); }, message);
  ExpectError<InvalidData>([&] { EstimateVarEs(r, {.method = VarMethod::kNormal}, Context{}); }, message);
  ExpectError<InvalidData>([&] { RollingVarEsSeries(r, {}, {.window = 5}, Context{}); }, message);
  r[3] = std::numeric_limits<double>::infinity();
  ExpectError<InvalidData>([&] { AgeWeightedVarEs(r, {}, 0.98); },
                           "column 'returns': value 'inf': return at index 3 (0-based) is not a finite number; "
                           "expected finite values (drop or fill missing values first)");
}

TEST(VarErrors, LevelsOutsideTheUnitInterval) {
  ExpectError<InvalidArgument>(
      [] { HistoricalVarEs(kReturns, {.var_level = 1.5}); },
      "VaR level 1.5 is not strictly between 0 and 1; expected a probability in (0, 1), e.g. 0.99");
  ExpectError<InvalidArgument>(
      [] { NormalVarEs(0, 1, {.var_level = 0.99, .es_level = 0}); },
      "ES level 0 is not strictly between 0 and 1; expected a probability in (0, 1), e.g. 0.99");
  ExpectError<InvalidArgument>(
      [] { HistoricalVarEs(kReturns, {.var_level = 1.0}); },
      "VaR level 1 is not strictly between 0 and 1; expected a probability in (0, 1), e.g. 0.99");
  ExpectError<InvalidArgument>(
      [] { HistoricalVarEs(kReturns, {.var_level = std::numeric_limits<double>::quiet_NaN()}); },
      "VaR level nan is not strictly between 0 and 1; expected a probability in (0, 1), e.g. 0.99");
  ExpectError<InvalidArgument>(
      [] { KupiecTest(1, 250, -0.2); },
      "VaR level -0.2 is not strictly between 0 and 1; expected a probability in (0, 1), e.g. 0.99");
}

TEST(VarErrors, WindowLongerThanHistory) {
  ExpectError<InvalidArgument>(
      [] { RollingVarEsSeries(kReturns, {}, {.window = 1000}, Context{}); },
      "window of 1000 returns is not shorter than the history of 10 returns; no day is left to "
      "forecast; expected a window of at most 9 returns");
  ExpectError<InvalidArgument>([] { RollingVarEsSeries(kReturns, {}, {.window = 10}, Context{}); },
                               "window of 10 returns is not shorter than the history of 10 returns; no day is left to "
                               "forecast; expected a window of at most 9 returns");
  ExpectError<InvalidArgument>(
      [] { RollingVarEsSeries(kReturns, {}, {.window = 5, .last_days = 6}, Context{}); },
      "6 forecast days asked for; a window of 5 leaves 5 of the 10 returns; expected last_days "
      "of at most 5");
}

TEST(VarErrors, Portfolio) {
  const Context ctx;
  ExpectError<InvalidArgument>([&] { MonteCarloVarEs(Portfolio{}, {}, ctx); },
                               "the portfolio has no assets; expected at least one weight");
  Portfolio p;
  p.weights = {0.5, 0.5};
  p.mean = Eigen::Vector2d(0, 0);
  p.covariance = (Eigen::Matrix2d() << 1.0, 2.0, 2.0, 1.0).finished();  // eigenvalues 3 and -1
  ExpectError<InvalidArgument>([&] { MonteCarloVarEs(p, {}, ctx); },
                               "the covariance matrix is not positive semi-definite: its smallest eigenvalue is -1; "
                               "expected a covariance matrix (symmetric with eigenvalues >= 0)");
  p.covariance = (Eigen::Matrix2d() << 1.0, 0.2, 0.3, 1.0).finished();
  ExpectError<InvalidArgument>(
      [&] { MonteCarloVarEs(p, {}, ctx); },
      "the covariance matrix is not symmetric: entry (1, 0) is 0.3 and (0, 1) is 0.2; expected "
      "a symmetric covariance matrix");
  p.covariance = Eigen::Matrix3d::Identity();
  ExpectError<InvalidArgument>([&] { MonteCarloVarEs(p, {}, ctx); },
                               "2 weights, 2 means and a 3x3 covariance matrix; expected one weight and one mean per "
                               "asset and an n x n covariance");
  p.covariance = Eigen::Matrix2d::Identity();
  ExpectError<InvalidArgument>(
      [&] { MonteCarloVarEs(p, {.distribution = McDistribution::kStudentT, .dof = 2}, ctx); },
      "degrees of freedom 2 must be finite and greater than 2; expected nu > 2 (the covariance of a multivariate t "
      "exists only then)");
}

TEST(VarErrors, MethodSettings) {
  const Context ctx;
  ExpectError<InvalidArgument>(
      [&] { EstimateVarEs(kReturns, {.method = VarMethod::kAgeWeighted, .lambda = 1.2}, ctx); },
      "age-weighting decay lambda 1.2 is outside (0, 1]; expected 0 < lambda <= 1, e.g. 0.98 "
      "(1 gives plain historical simulation)");
  ExpectError<InvalidArgument>([&] { EstimateVarEs(kReturns, {.method = VarMethod::kStudentT, .dof = 1.5}, ctx); },
                               "degrees of freedom 1.5 must be finite and greater than 2; expected nu > 2, or 0 to fit "
                               "nu by maximum likelihood");
  ExpectError<InvalidArgument>([] { ParseVarMethod("garch"); },
                               "column 'method': value 'garch': unknown VaR method; expected one of hs, age-weighted, "
                               "fhs, normal, t");
  ExpectError<InvalidArgument>([] { HistoricalVarEs(std::vector<double>{1.0}, {}); },
                               "column 'returns': 1 return(s) given; historical simulation needs at least 2");
  ExpectError<InvalidData>([] { FitStudentTDof(std::vector<double>(10, 0.5)); },
                           "column 'returns': the returns are constant (0.5); a Student t fit needs variation");
}

TEST(VarErrors, Backtests) {
  ExpectError<InvalidArgument>(
      [] {
        ExceptionSeries(std::vector<double>{1, 2}, std::vector<double>{1});
      },
      "2 realised returns and 1 VaR forecasts; expected one VaR forecast per realised return");
  ExpectError<InvalidArgument>([] { KupiecTest(5, 3, 0.99); },
                               "5 exceptions in 3 observations; expected at least one observation and 0 <= exceptions "
                               "<= observations");
  ExpectError<InvalidArgument>([] { ChristoffersenTest(std::vector<std::uint8_t>{1}, 0.99); },
                               "1 day(s) of exceptions given; the independence test needs transitions; expected at "
                               "least 2 days");
  ExpectError<InvalidArgument>(
      [] {
        AcerbiSzekelyZ2(std::vector<double>{-1, 1}, std::vector<double>{1, 1}, std::vector<double>{1, 0}, 0.975);
      },
      "ES forecast at index 1 is 0; the Acerbi-Szekely statistics divide by it; expected positive ES forecasts (a "
      "loss)");
}

}  // namespace
}  // namespace finai::risk
