// Several risk cells (business line x event type), each with its own frequency and severity, joined by a
// copula on their annual losses. Each cell's years are simulated as in SimulateAnnualLosses (cell c from
// streams c * 2^40 + block); a Gaussian or Student-t copula sample of the same number of years (Cholesky
// factor of the correlation matrix via Eigen; Student-t: the Gaussian vector divided by sqrt(W / nu),
// W ~ chi-square(nu)) then decides which simulated year of each cell falls in which joint year: cell c's
// losses are re-ordered so that their ranks match the ranks of copula component c (Iman and Conover's rank
// re-ordering). Each cell keeps exactly its simulated marginal; only the dependence is imposed, and no
// copula CDF needs evaluating (ranks are invariant under the monotone margins).
//
// Memory: two arrays of `years` doubles per cell at a time, plus the total; 10 M years of 3 cells ~ 0.5 GB.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <string_view>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/risk/lda/aggregate.hpp"

namespace finai::risk::lda {

enum class CopulaFamily { kGaussian, kStudentT };
CopulaFamily ParseCopulaFamily(std::string_view name);  // "gaussian", "t"

struct CopulaSpec {
  CopulaFamily family = CopulaFamily::kGaussian;
  Eigen::MatrixXd correlation;    // symmetric, unit diagonal, positive semi-definite
  double degrees_of_freedom = 4;  // Student-t only; > 0
};

struct RiskCell {
  std::string name;
  FrequencyModel frequency;
  SeverityModel severity;
};

struct CellsResult {
  std::vector<std::string> names;
  std::vector<RiskMeasures> standalone;  // each cell alone
  RiskMeasures total;                    // the sum of the cells under the copula
  double sum_of_standalone_var = 0;
  double diversification = 0;  // 1 - VaR(total) / sum of standalone VaRs
  std::int64_t years = 0;
};

// The factor A with A A^T = correlation: Cholesky (LLT) when positive definite; for a singular but positive
// semi-definite matrix (e.g. perfect correlation) the pivoted LDLT. InvalidArgument naming the problem
// otherwise (not square, not symmetric, diagonal not 1, entry outside [-1, 1], not positive semi-definite).
Eigen::MatrixXd CorrelationFactor(const Eigen::MatrixXd& correlation);

CellsResult AggregateCells(const std::vector<RiskCell>& cells, const CopulaSpec& copula, std::int64_t years,
                           const RiskMeasureOptions& measures, const Context& ctx);

// An equicorrelation matrix: 1 on the diagonal, rho elsewhere.
Eigen::MatrixXd EquicorrelationMatrix(int dimension, double rho);

}  // namespace finai::risk::lda
