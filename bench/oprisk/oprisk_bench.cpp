// Monte Carlo throughput of the LDA aggregate loss: Poisson(lambda) losses a year, lognormal(meanlog, sdlog)
// severities, `years` simulated years on `threads` threads. Prints one JSON object: the time of the simulation
// alone (not of the process), losses per second, and the 99.9% quantile with its interval (the quality figure).
// bench/oprisk/run.py runs it side by side with R's actuar.
//
// Usage: oprisk_bench --years N --threads T --seed S --lambda L --meanlog M --sdlog S [--level P]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "finai/core/context.hpp"
#include "finai/risk/lda/aggregate.hpp"

int main(int argc, char** argv) {
  std::int64_t years = 10'000'000;
  int threads = 1;
  std::uint64_t seed = 1;
  double lambda = 197, meanlog = 0.78695008970642111, sdlog = 0.71655450668362197, level = 0.999;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--years")
      years = std::atoll(value);
    else if (key == "--threads")
      threads = std::atoi(value);
    else if (key == "--seed")
      seed = std::strtoull(value, nullptr, 10);
    else if (key == "--lambda")
      lambda = std::atof(value);
    else if (key == "--meanlog")
      meanlog = std::atof(value);
    else if (key == "--sdlog")
      sdlog = std::atof(value);
    else if (key == "--level")
      level = std::atof(value);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 64;
    }
  }
  using namespace finai::risk::lda;
  finai::Context ctx;
  ctx.set_threads(threads).set_seed(seed);
  AnnualLosses sim = SimulateAnnualLosses(Poisson{lambda}, Lognormal{meanlog, sdlog}, years, ctx);
  const RiskMeasures m = MeasureRisk(sim.totals, {.level = level});
  const nlohmann::json out = {{"years", years},
                              {"threads", ctx.EffectiveThreads()},
                              {"losses", sim.losses},
                              {"seconds", sim.seconds},
                              {"losses_per_second", static_cast<double>(sim.losses) / sim.seconds},
                              {"level", level},
                              {"var", m.var},
                              {"var_ci", {m.var_lower, m.var_upper}},
                              {"es", m.es},
                              {"mean", m.mean}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
