// Parallel, seeded Monte Carlo of annual losses. The kernel is a template on the frequency and severity
// types (std::visit picks the instantiation once per block), so the loop over losses is one inlined
// expression per draw: for a lognormal, a ziggurat normal, an exp and an add.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "finai/risk/lda/aggregate.hpp"

namespace finai::risk::lda {

namespace {

// The per-draw callable of a severity; gamma keeps its Marsaglia-Tsang constants for the whole block.
template <class S>
struct SeverityDraw {
  explicit SeverityDraw(const S& s) : model(s) {}
  double operator()(Sampler& s) const { return model.Sample(s); }
  const S& model;
};
template <>
struct SeverityDraw<Gamma> {
  explicit SeverityDraw(const Gamma& g) : standard(g.shape), inv_rate(1 / g.rate) {}
  double operator()(Sampler& s) const { return standard(s) * inv_rate; }
  GammaSampler standard;
  double inv_rate;
};

template <class F, class S>
std::int64_t SimulateBlock(const F& frequency, const S& severity, Sampler& sampler, double* out, std::int64_t years) {
  const auto count = frequency.MakeSampler();
  const SeverityDraw<S> draw(severity);
  std::int64_t losses = 0;
  for (std::int64_t y = 0; y < years; ++y) {
    const std::int64_t n = count(sampler);
    double total = 0;
    for (std::int64_t i = 0; i < n; ++i) total += draw(sampler);
    out[y] = total;
    losses += n;
  }
  return losses;
}

void ValidateModels(const FrequencyModel& frequency, const SeverityModel& severity) {
  auto bad = [](const std::string& what, double value) {
    return InvalidArgument(fmt::format("invalid {}", what), {.value = fmt::format("{}", value)});
  };
  if (const auto* p = std::get_if<Poisson>(&frequency)) {
    if (!(p->lambda >= 0) || !std::isfinite(p->lambda)) throw bad("Poisson lambda", p->lambda);
  } else {
    const auto& nb = std::get<NegativeBinomial>(frequency);
    if (!(nb.size > 0) || !std::isfinite(nb.size)) throw bad("negative binomial size", nb.size);
    if (!(nb.mu >= 0) || !std::isfinite(nb.mu)) throw bad("negative binomial mu", nb.mu);
  }
  struct Check {
    std::function<InvalidArgument(const std::string&, double)> bad;
    void operator()(const Lognormal& m) const {
      if (!std::isfinite(m.meanlog)) throw bad("lognormal meanlog", m.meanlog);
      if (!(m.sdlog > 0) || !std::isfinite(m.sdlog)) throw bad("lognormal sdlog", m.sdlog);
    }
    void operator()(const Weibull& m) const {
      if (!(m.shape > 0) || !std::isfinite(m.shape)) throw bad("Weibull shape", m.shape);
      if (!(m.scale > 0) || !std::isfinite(m.scale)) throw bad("Weibull scale", m.scale);
    }
    void operator()(const Gamma& m) const {
      if (!(m.shape > 0) || !std::isfinite(m.shape)) throw bad("gamma shape", m.shape);
      if (!(m.rate > 0) || !std::isfinite(m.rate)) throw bad("gamma rate", m.rate);
    }
    void operator()(const SplicedGpd& m) const {
      if (!(m.tail_probability > 0 && m.tail_probability < 1)) throw bad("tail probability", m.tail_probability);
      if (!(m.tail.beta > 0)) throw bad("GPD beta", m.tail.beta);
      if (!std::isfinite(m.tail.xi)) throw bad("GPD xi", m.tail.xi);
      if (m.body == BodyKind::kEmpirical && (!m.body_sorted || m.body_sorted->empty())) {
        throw InvalidArgument("the empirical body of the spliced severity is empty");
      }
      if (m.body == BodyKind::kLognormal && !(m.body_lognormal_mass > 1e-6)) {
        throw bad("lognormal body mass below the threshold", m.body_lognormal_mass);
      }
    }
  };
  std::visit(Check{bad}, severity);
}

}  // namespace

AnnualLosses SimulateAnnualLosses(const FrequencyModel& frequency, const SeverityModel& severity, std::int64_t years,
                                  const Context& ctx, std::uint64_t stream_base) {
  if (years < 1 || years > kMaxSimulatedYears) {
    throw InvalidArgument(fmt::format("{} simulated years is outside [1, {}]", years, kMaxSimulatedYears));
  }
  ValidateModels(frequency, severity);
  const auto start = std::chrono::steady_clock::now();
  AnnualLosses out;
  out.totals.resize(static_cast<std::size_t>(years));
  const std::int64_t blocks = (years + kYearsPerBlock - 1) / kYearsPerBlock;
  std::vector<std::int64_t> block_losses(static_cast<std::size_t>(blocks), 0);
  double* totals = out.totals.data();
  ParallelFor(ctx, 0, blocks, [&](std::int64_t b) {
    ctx.ThrowIfCancelled();
    const std::int64_t first = b * kYearsPerBlock;
    const std::int64_t count = std::min(kYearsPerBlock, years - first);
    Sampler sampler(ctx.seed(), stream_base + static_cast<std::uint64_t>(b));
    block_losses[static_cast<std::size_t>(b)] =
        std::visit([&](const auto& f, const auto& s) { return SimulateBlock(f, s, sampler, totals + first, count); },
                   frequency, severity);
  });
  for (const std::int64_t n : block_losses) out.losses += n;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace finai::risk::lda
