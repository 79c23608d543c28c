// Risk cells joined by a Gaussian or Student-t copula on their annual losses (rank re-ordering).
#include "finai/risk/lda/copula.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"

namespace finai::risk::lda {

namespace {

// Stream layout of one seed: cell c simulates from streams (c + 1) * 2^40 + block, the copula from 2^61 + block,
// bootstrap replicates from 2^62 + r: disjoint for any realistic number of blocks.
constexpr std::uint64_t kCellStreams = 1ULL << 40;
constexpr std::uint64_t kCopulaStreams = 1ULL << 61;

// Component `component` of the copula's latent vector for every year: (A eps)_c, divided by sqrt(W / nu) for
// the Student-t. Each year draws the whole vector, so every component sees the same years.
std::vector<double> LatentComponent(const Eigen::MatrixXd& factor, const CopulaSpec& copula, int component,
                                    std::int64_t years, const Context& ctx) {
  std::vector<double> out(static_cast<std::size_t>(years));
  const auto d = static_cast<int>(factor.rows());
  const std::int64_t blocks = (years + kYearsPerBlock - 1) / kYearsPerBlock;
  const Eigen::RowVectorXd row = factor.row(component);
  const bool student = copula.family == CopulaFamily::kStudentT;
  const double nu = copula.degrees_of_freedom;
  ParallelFor(ctx, 0, blocks, [&](std::int64_t b) {
    Sampler sampler(ctx.seed(), kCopulaStreams + static_cast<std::uint64_t>(b));
    const GammaSampler chi_half(nu / 2);
    Eigen::VectorXd eps(d);
    const std::int64_t first = b * kYearsPerBlock, last = std::min(years, first + kYearsPerBlock);
    for (std::int64_t y = first; y < last; ++y) {
      for (int i = 0; i < d; ++i) eps(i) = sampler.Normal();
      double z = row.dot(eps);
      if (student) z /= std::sqrt(2 * chi_half(sampler) / nu);  // W = 2 Gamma(nu/2) is chi-square(nu)
      out[static_cast<std::size_t>(y)] = z;
    }
  });
  return out;
}

}  // namespace

CopulaFamily ParseCopulaFamily(std::string_view name) {
  if (name == "gaussian") return CopulaFamily::kGaussian;
  if (name == "t" || name == "student-t") return CopulaFamily::kStudentT;
  throw InvalidArgument(fmt::format("unknown copula '{}'", name), {.expected = "gaussian or t"});
}

Eigen::MatrixXd EquicorrelationMatrix(int dimension, double rho) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Constant(dimension, dimension, rho);
  m.diagonal().setOnes();
  return m;
}

Eigen::MatrixXd CorrelationFactor(const Eigen::MatrixXd& c) {
  if (c.rows() == 0 || c.rows() != c.cols()) {
    throw InvalidArgument(
        fmt::format("the correlation matrix is {}x{}; it must be square and not empty", c.rows(), c.cols()));
  }
  for (Eigen::Index i = 0; i < c.rows(); ++i) {
    if (std::fabs(c(i, i) - 1) > 1e-12) {
      throw InvalidArgument(fmt::format("correlation matrix entry ({}, {}) is {}, not 1", i + 1, i + 1, c(i, i)));
    }
    for (Eigen::Index j = 0; j < c.cols(); ++j) {
      if (!std::isfinite(c(i, j)) || std::fabs(c(i, j)) > 1) {
        throw InvalidArgument(
            fmt::format("correlation matrix entry ({}, {}) is {}, outside [-1, 1]", i + 1, j + 1, c(i, j)));
      }
      if (std::fabs(c(i, j) - c(j, i)) > 1e-12) {
        throw InvalidArgument(
            fmt::format("the correlation matrix is not symmetric: entry ({}, {}) is {} but ({}, {}) "
                        "is {}",
                        i + 1, j + 1, c(i, j), j + 1, i + 1, c(j, i)));
      }
    }
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(c);
  if (llt.info() == Eigen::Success) return llt.matrixL();
  // Not positive definite: either singular but positive semi-definite (perfect correlation, which is valid),
  // factored as V sqrt(Lambda), or indefinite, which no correlation matrix can be.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(c);
  const double smallest = eig.eigenvalues().minCoeff();
  if (smallest < -1e-10) {
    throw InvalidArgument(
        fmt::format("the correlation matrix is not positive semi-definite (smallest eigenvalue {:.6g})", smallest));
  }
  return eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
}

CellsResult AggregateCells(const std::vector<RiskCell>& cells, const CopulaSpec& copula, std::int64_t years,
                           const RiskMeasureOptions& measures, const Context& ctx) {
  if (cells.empty()) throw InvalidArgument("no risk cells to aggregate");
  const auto d = static_cast<Eigen::Index>(cells.size());
  if (copula.correlation.rows() != d || copula.correlation.cols() != d) {
    throw InvalidArgument(fmt::format("the correlation matrix is {}x{} but there are {} risk cells",
                                      copula.correlation.rows(), copula.correlation.cols(), cells.size()));
  }
  if (copula.family == CopulaFamily::kStudentT && !(copula.degrees_of_freedom > 0)) {
    throw InvalidArgument(
        fmt::format("the Student-t copula's degrees of freedom {} must be positive", copula.degrees_of_freedom));
  }
  const Eigen::MatrixXd factor = CorrelationFactor(copula.correlation);
  ValidateProbability(measures.level, "level");

  CellsResult out;
  out.years = years;
  std::vector<double> total(static_cast<std::size_t>(years), 0.0);
  std::vector<std::pair<double, std::uint32_t>> order;
  for (Eigen::Index c = 0; c < d; ++c) {
    const RiskCell& cell = cells[static_cast<std::size_t>(c)];
    AnnualLosses sim = SimulateAnnualLosses(cell.frequency, cell.severity, years, ctx,
                                            kCellStreams * static_cast<std::uint64_t>(c + 1));
    out.names.push_back(cell.name.empty() ? fmt::format("cell {}", c + 1) : cell.name);
    out.standalone.push_back(MeasureRisk(sim.totals, measures));
    out.sum_of_standalone_var += out.standalone.back().var;
    std::sort(sim.totals.begin(), sim.totals.end());
    // The year holding the r-th smallest copula component gets the cell's r-th smallest annual loss.
    const std::vector<double> latent = LatentComponent(factor, copula, static_cast<int>(c), years, ctx);
    order.resize(latent.size());
    for (std::size_t y = 0; y < latent.size(); ++y) order[y] = {latent[y], static_cast<std::uint32_t>(y)};
    std::sort(order.begin(), order.end());
    for (std::size_t r = 0; r < order.size(); ++r) total[order[r].second] += sim.totals[r];
  }
  out.total = MeasureRisk(total, measures);
  out.diversification = out.sum_of_standalone_var > 0 ? 1 - out.total.var / out.sum_of_standalone_var : 0.0;
  return out;
}

}  // namespace finai::risk::lda
