// Kolmogorov-Smirnov and Anderson-Darling statistics, and their parametric-bootstrap p-values.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "finai/risk/lda/severity_fit.hpp"

namespace finai::risk::lda {

void ValidateLosses(std::span<const double> losses, std::int64_t minimum) {
  for (std::size_t i = 0; i < losses.size(); ++i) {
    if (!(losses[i] > 0) || !std::isfinite(losses[i])) {
      throw InvalidData(fmt::format("loss {} of {} is not a positive number", i + 1, losses.size()),
                        {.value = fmt::format("{}", losses[i]), .expected = "losses > 0"});
    }
  }
  if (static_cast<std::int64_t>(losses.size()) < minimum) {
    throw InvalidData(fmt::format("{} losses are too few to fit a severity law", losses.size()),
                      {.expected = fmt::format("at least {}", minimum)});
  }
}

GofStatistics ComputeGofStatistics(std::span<const double> sample, const std::function<double(double)>& cdf,
                                   const std::function<double(double)>& log_cdf,
                                   const std::function<double(double)>& log_survival) {
  std::vector<double> x(sample.begin(), sample.end());
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  const auto nd = static_cast<double>(n);
  GofStatistics out;
  // D = max_i max(i/n - F(x_(i)), F(x_(i)) - (i-1)/n), which is also the supremum when values are tied.
  for (std::size_t i = 0; i < n; ++i) {
    const double f = cdf(x[i]);
    out.ks = std::max({out.ks, static_cast<double>(i + 1) / nd - f, f - static_cast<double>(i) / nd});
  }
  // A^2 = -n - (1/n) sum (2i - 1) [log F(x_(i)) + log(1 - F(x_(n+1-i)))].
  std::vector<double> log_s(n);
  for (std::size_t i = 0; i < n; ++i) log_s[i] = log_survival(x[i]);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += static_cast<double>(2 * i + 1) * (log_cdf(x[i]) + log_s[n - 1 - i]);
  }
  out.ad = -nd - sum / nd;
  return out;
}

void BootstrapGofPValues(std::int64_t n, GoodnessOfFit& gof, int replicates,
                         const std::function<void(Sampler&, std::vector<double>&)>& simulate,
                         const std::function<GofStatistics(std::vector<double>&)>& refit_statistics,
                         const Context& ctx) {
  gof.bootstrap_replicates = replicates;
  gof.seed = ctx.seed();
  if (replicates <= 0) {
    gof.ks_p_value = gof.ad_p_value = -1;
    return;
  }
  std::vector<GofStatistics> stats(static_cast<std::size_t>(replicates));
  // Replicate r draws from its own stream, so the p-values do not depend on the thread count. The streams
  // sit far above those of any aggregate simulation of the same seed (block numbers stay below 2^40).
  constexpr std::uint64_t kBootstrapStreams = 1ULL << 62;
  ParallelFor(ctx, 0, replicates, [&](std::int64_t r) {
    Sampler sampler(ctx.seed(), kBootstrapStreams + static_cast<std::uint64_t>(r));
    std::vector<double> sample(static_cast<std::size_t>(n));
    simulate(sampler, sample);
    try {
      stats[static_cast<std::size_t>(r)] = refit_statistics(sample);
    } catch (const InvalidData&) {
      // A refit that fails counts as a statistic at least as extreme as the observed one: conservative.
      constexpr double kInf = std::numeric_limits<double>::infinity();
      stats[static_cast<std::size_t>(r)] = {kInf, kInf};
    }
  });
  int ks_at_least = 0, ad_at_least = 0;
  for (const GofStatistics& s : stats) {
    ks_at_least += s.ks >= gof.ks ? 1 : 0;
    ad_at_least += s.ad >= gof.ad ? 1 : 0;
  }
  gof.ks_p_value = (1.0 + ks_at_least) / (1.0 + replicates);
  gof.ad_p_value = (1.0 + ad_at_least) / (1.0 + replicates);
}

}  // namespace finai::risk::lda
