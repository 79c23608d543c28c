// The published GARCH(1,1) benchmark: Bollerslev and Ghysels' (1996) Deutsche Mark / British Pound daily
// returns, whose estimates (Fiorentini, Calzolari and Panattoni 1996; McCullough and Renfro 1998; Brooks,
// Burke and Persand 2001) every GARCH implementation is checked against.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/csv.hpp"
#include "finai/risk/garch.hpp"

namespace finai::risk {
namespace {

std::vector<double> MarkPound() {
  const std::string path = std::string(FINAI_SOURCE_DIR) + "/data/markpound_returns.csv";
  const CsvTable table = ReadCsv(path, CsvOptions{}, Context{});
  return table.frame.column("return").ToFloat64();
}

// The benchmark is quoted to 6 significant digits; a converged optimiser reproduces it to about that.
// 1e-5 relative is 5 significant digits (the brief asks for at least 4).
constexpr double kBenchmarkRelTol = 1e-5;

TEST(GarchBenchmark, MarkPoundGarch11NormalMatchesPublishedEstimates) {
  const std::vector<double> r = MarkPound();
  ASSERT_EQ(r.size(), 1974u);
  const GarchFit fit = FitGarch(r, GarchSpec{GarchKind::kGarch, Innovation::kNormal}, Context{});
  // Published values (data/SOURCES.md): Fiorentini, Calzolari and Panattoni (1996), McCullough and Renfro (1998).
  EXPECT_NEAR(fit.mu, -0.00619041, kBenchmarkRelTol * 0.00619041);
  EXPECT_NEAR(fit.omega, 0.0107613, kBenchmarkRelTol * 0.0107613);
  EXPECT_NEAR(fit.alpha, 0.153134, kBenchmarkRelTol * 0.153134);
  EXPECT_NEAR(fit.beta, 0.805974, kBenchmarkRelTol * 0.805974);
  // Log-likelihood -1106.60788 for this initialisation (h_0 = e_0^2 = SSR(mu current iteration) / T), as
  // tabulated with the benchmark in TSP International's bg11.tsp; an OLS-residual start gives -1106.60665.
  EXPECT_NEAR(fit.log_likelihood, -1106.60788, 5e-6);
}

// The benchmark's recursion start matters in the 5th-6th digit: starting from h_0 = e_0^2 = SSR(OLS) / T (the
// sample variance, mu fixed at the sample mean) instead gives a likelihood that is a different function.
TEST(GarchBenchmark, InitialisationUsesTheCurrentMu) {
  const std::vector<double> r = MarkPound();
  const GarchSpec spec{GarchKind::kGarch, Innovation::kNormal};
  const std::vector<double> params{-0.00619041, 0.0107613, 0.153134, 0.805974};
  const std::vector<double> h = GarchConditionalVariance(r, spec, params);
  double s2 = 0;
  for (double v : r) s2 += (v - params[0]) * (v - params[0]);
  s2 /= static_cast<double>(r.size());
  EXPECT_DOUBLE_EQ(h[0], params[1] + (params[2] + params[3]) * s2);
}

}  // namespace
}  // namespace finai::risk
