// Partial dependence and ICE curves by brute force over gbdt::CompiledModel; the default grid as scikit-learn's.
#include "finai/explain/partial_dependence.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "models/gbdt/objective.hpp"

namespace finai::explain {

namespace {

void CheckFeature(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, int feature) {
  const int m = static_cast<int>(model.features.size());
  if (feature < 0 || feature >= m) {
    throw InvalidArgument("no such feature", {.field = "feature", .field_kind = "parameter",
                                              .value = std::to_string(feature),
                                              .expected = "0 to " + std::to_string(m - 1)});
  }
  if (x.cols != m || x.values.size() != static_cast<std::size_t>(x.rows) * static_cast<std::size_t>(x.cols)) {
    throw InvalidData("the rows do not have the model's features",
                      {.field = "cols", .field_kind = "parameter", .value = std::to_string(x.cols),
                       .expected = std::to_string(m) + " values per row"});
  }
}

// scipy.stats.mstats.mquantiles(sorted, prob=p, alphap=0.4, betap=0.4) of sorted known values.
double MQuantile(const std::vector<double>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  const double m = 0.4 + p * (1 - 0.4 - 0.4);
  const double aleph = n * p + m;
  const double k = std::floor(std::clamp(aleph, 1.0, n - 1));
  const double gamma = std::clamp(aleph - k, 0.0, 1.0);
  const auto i = static_cast<std::size_t>(k);
  return (1 - gamma) * sorted[i - 1] + gamma * sorted[i];
}

}  // namespace

std::vector<double> DefaultGrid(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, int feature,
                                const GridOptions& options) {
  CheckFeature(model, x, feature);
  if (options.resolution < 2) {
    throw InvalidArgument("a grid needs at least 2 points", {.field = "grid_resolution", .field_kind = "parameter",
                                                             .value = std::to_string(options.resolution),
                                                             .expected = "an integer >= 2"});
  }
  if (!(options.lower >= 0 && options.upper <= 1 && options.lower < options.upper)) {
    throw InvalidArgument("the grid's quantiles must satisfy 0 <= lower < upper <= 1",
                          {.field = "percentiles", .field_kind = "parameter",
                           .value = std::to_string(options.lower) + ", " + std::to_string(options.upper),
                           .expected = "0 <= lower < upper <= 1"});
  }
  const gbdt::FeatureInfo& info = model.features[static_cast<std::size_t>(feature)];
  std::vector<double> known;
  known.reserve(static_cast<std::size_t>(x.rows));
  for (std::int64_t r = 0; r < x.rows; ++r) {
    const double v = x.values[static_cast<std::size_t>(r) * x.cols + feature];
    if (std::isnan(v)) continue;
    if (info.categorical && !(v >= 0 && v < static_cast<double>(info.categories.size()))) continue;
    known.push_back(v);
  }
  if (known.empty()) {
    throw InvalidArgument("the feature has no known value in the rows to build a grid from",
                          {.field = info.name, .field_kind = "feature", .expected = "a known value, or a grid"});
  }
  std::sort(known.begin(), known.end());
  std::vector<double> unique = known;
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  if (info.categorical || unique.size() < static_cast<std::size_t>(options.resolution)) return unique;
  const double lo = MQuantile(known, options.lower), hi = MQuantile(known, options.upper);
  if (!(hi - lo > 1e-8 + 1e-5 * std::abs(hi))) {  // numpy's allclose, as scikit-learn refuses it
    throw InvalidArgument("the grid's lower and upper quantiles of the feature are equal",
                          {.field = info.name, .field_kind = "feature", .value = std::to_string(lo),
                           .expected = "quantiles further apart, or a grid"});
  }
  // numpy.linspace(lo, hi, resolution): lo + i * step, the last point exactly hi.
  std::vector<double> grid(static_cast<std::size_t>(options.resolution));
  const double step = (hi - lo) / (options.resolution - 1);
  for (int i = 0; i < options.resolution; ++i) grid[static_cast<std::size_t>(i)] = lo + i * step;
  grid.back() = hi;
  return grid;
}

PartialDependence ComputePartialDependence(const gbdt::GbdtModel& model, const gbdt::FeatureMatrix& x, int feature,
                                           const PartialDependenceOptions& options, const Context& ctx) {
  CheckFeature(model, x, feature);
  if (x.rows == 0) {
    throw InvalidArgument("partial dependence needs at least one row",
                          {.field = "rows", .field_kind = "parameter", .value = "0", .expected = "rows to average"});
  }
  const gbdt::FeatureInfo& info = model.features[static_cast<std::size_t>(feature)];
  PartialDependence pd;
  pd.feature = feature;
  pd.grid = options.grid.empty() ? DefaultGrid(model, x, feature, options.grid_options) : options.grid;
  for (std::size_t g = 0; g < pd.grid.size(); ++g) {
    const double v = pd.grid[g];
    const bool bad = !std::isfinite(v) ||
                     (info.categorical &&
                      (v < 0 || v >= static_cast<double>(info.categories.size()) || v != std::floor(v)));
    if (bad || std::find(pd.grid.begin(), pd.grid.begin() + static_cast<std::ptrdiff_t>(g), v) !=
                   pd.grid.begin() + static_cast<std::ptrdiff_t>(g)) {
      throw InvalidArgument(bad ? "a grid value must be a finite number (a categorical feature: a category id)"
                                : "a grid value is repeated",
                            {.field = info.name, .field_kind = "feature", .value = std::to_string(v),
                             .expected = info.categorical ? "distinct category ids of the model"
                                                          : "distinct finite numbers"});
    }
  }
  double total_weight = static_cast<double>(x.rows);
  if (!options.weights.empty()) {
    if (options.weights.size() != static_cast<std::size_t>(x.rows)) {
      throw InvalidArgument("one weight per row", {.field = "weights", .field_kind = "parameter",
                                                   .value = std::to_string(options.weights.size()),
                                                   .expected = std::to_string(x.rows) + " weights"});
    }
    total_weight = 0;
    for (double w : options.weights) {
      if (!(w >= 0) || !std::isfinite(w)) {
        throw InvalidArgument("a weight must be a finite number >= 0",
                              {.field = "weights", .field_kind = "parameter", .value = std::to_string(w),
                               .expected = "finite weights >= 0"});
      }
      total_weight += w;
    }
    if (!(total_weight > 0)) {
      throw InvalidArgument("the weights sum to zero", {.field = "weights", .field_kind = "parameter",
                                                        .expected = "at least one positive weight"});
    }
  }

  const gbdt::CompiledModel compiled(model);
  const int k_out = model.num_outputs();
  const std::size_t points = pd.points();
  const std::size_t per_row = static_cast<std::size_t>(k_out) * points;
  pd.outputs = k_out;
  pd.rows = x.rows;
  if (options.keep_ice) pd.individual.assign(static_cast<std::size_t>(x.rows) * per_row, 0.0);
  // Blocks of a fixed number of rows (never depending on the thread count): each block predicts its rows x grid
  // points as one batch and sums its rows in order; the block sums are then added in block order.
  const std::int64_t block_rows = std::max<std::int64_t>(1, 2048 / static_cast<std::int64_t>(points));
  const std::int64_t blocks = (x.rows + block_rows - 1) / block_rows;
  std::vector<double> block_sums(static_cast<std::size_t>(blocks) * per_row, 0.0);
  Context one_thread;
  one_thread.set_threads(1);
  const double* w = options.weights.empty() ? nullptr : options.weights.data();
  ParallelFor(ctx, 0, blocks, [&](std::int64_t b) {
    ctx.ThrowIfCancelled();
    const std::int64_t lo = b * block_rows, hi = std::min(x.rows, lo + block_rows);
    gbdt::FeatureMatrix batch{.rows = (hi - lo) * static_cast<std::int64_t>(points), .cols = x.cols};
    batch.values.resize(static_cast<std::size_t>(batch.rows) * static_cast<std::size_t>(x.cols));
    double* to = batch.values.data();
    for (std::int64_t r = lo; r < hi; ++r) {
      const double* from = x.values.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(x.cols);
      for (std::size_t g = 0; g < points; ++g) {
        std::copy(from, from + x.cols, to);
        to[feature] = pd.grid[g];
        to += x.cols;
      }
    }
    std::vector<double> margins(static_cast<std::size_t>(batch.rows) * static_cast<std::size_t>(k_out));
    compiled.PredictBatch(batch, margins, one_thread);
    double* sum = block_sums.data() + static_cast<std::size_t>(b) * per_row;
    for (std::int64_t r = lo; r < hi; ++r) {
      double* row_margins = margins.data() + static_cast<std::size_t>(r - lo) * per_row;
      const double weight = w ? w[r] : 1.0;
      for (std::size_t g = 0; g < points; ++g) {
        const std::span<double> out(row_margins + g * static_cast<std::size_t>(k_out), static_cast<std::size_t>(k_out));
        if (options.scale == CurveScale::kResponse) gbdt::TransformMargins(model.objective, out);
        for (int k = 0; k < k_out; ++k) {
          const double value = out[static_cast<std::size_t>(k)];
          sum[static_cast<std::size_t>(k) * points + g] += weight * value;
          if (options.keep_ice) {
            pd.individual[static_cast<std::size_t>(r) * per_row + static_cast<std::size_t>(k) * points + g] = value;
          }
        }
      }
    }
  });
  pd.average.assign(per_row, 0.0);
  for (std::int64_t b = 0; b < blocks; ++b) {
    for (std::size_t i = 0; i < per_row; ++i) pd.average[i] += block_sums[static_cast<std::size_t>(b) * per_row + i];
  }
  for (double& v : pd.average) v /= total_weight;
  return pd;
}

}  // namespace finai::explain
