#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <numeric>
#include <optional>

#include "finai/core/error.hpp"
#include "finai/core/huge_pages.hpp"
#include "finai/core/parallel.hpp"
#include "finai/core/random.hpp"
#include "finai/data/binner.hpp"
#include "finai/data/target.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "finai/models/gbdt/train.hpp"
#include "fairness_objective.hpp"
#include "log_loss_low_bit.hpp"
#include "objective.hpp"
#include "tree_grower.hpp"

namespace finai::gbdt {

namespace {

struct Columns {
  std::string target;
  std::vector<std::string> features;
  std::string weight;
};

Columns ResolveColumns(const Frame& frame, const Schema& schema, const TrainOptions& options) {
  Columns c;
  c.target = !options.target.empty() ? options.target : schema.SingleWithRole(Role::kTarget).value_or("");
  if (c.target.empty()) {
    throw InvalidArgument("no target column", {.field = "target", .expected = "--target or a schema with a target role"});
  }
  frame.column(c.target);  // NotFound with the list of columns when absent
  c.weight = !options.weight.empty() ? options.weight : schema.SingleWithRole(Role::kWeight).value_or("");
  if (!options.features.empty()) {
    c.features = options.features;
    for (const auto& f : c.features) {
      frame.column(f);
      if (f == c.target || f == c.weight) {
        throw InvalidArgument("a feature cannot also be the target or the weight", {.field = f});
      }
      if (const FieldSpec* spec = schema.Find(f); spec && spec->role == Role::kSensitive) {
        throw InvalidArgument("a sensitive attribute cannot be a feature (audit it with finai fairness instead)",
                              {.field = f});
      }
    }
    return c;
  }
  for (const auto& field : schema.fields()) {
    if (field.role != Role::kFeature || field.name == c.target || field.name == c.weight) continue;
    if (field.type == ColumnType::kString) continue;  // free text is not a feature
    c.features.push_back(field.name);
  }
  if (c.features.empty()) throw InvalidArgument("no feature columns", {.expected = "at least one numeric or categorical feature"});
  return c;
}

std::vector<int> MonotoneDirections(const Frame& frame, const Schema& schema, const std::vector<std::string>& features,
                                    const GbdtParams& params) {
  std::vector<int> out(features.size(), 0);
  for (std::size_t f = 0; f < features.size(); ++f) {
    if (const FieldSpec* spec = schema.Find(features[f])) out[f] = static_cast<int>(spec->monotone);
  }
  for (const auto& [name, direction] : params.monotone_constraints) {
    auto it = std::find(features.begin(), features.end(), name);
    if (it == features.end()) {
      throw InvalidArgument("monotone constraint on a column that is not a feature",
                            {.field = "monotone_constraints." + name, .expected = "one of the model's features"});
    }
    out[static_cast<std::size_t>(it - features.begin())] = direction;
  }
  for (std::size_t f = 0; f < features.size(); ++f) {
    if (out[f] != 0 && !frame.column(features[f]).is_numeric()) {
      throw InvalidArgument("a monotone constraint needs a numeric feature", {.field = features[f]});
    }
  }
  return out;
}

// Interaction groups as feature masks; a feature in no group may only interact with itself.
std::vector<std::vector<char>> InteractionGroups(const std::vector<std::string>& features, const GbdtParams& params) {
  std::vector<std::vector<char>> groups;
  if (params.interaction_constraints.empty()) return groups;
  std::vector<char> listed(features.size(), 0);
  for (std::size_t g = 0; g < params.interaction_constraints.size(); ++g) {
    std::vector<char> mask(features.size(), 0);
    for (const auto& name : params.interaction_constraints[g]) {
      auto it = std::find(features.begin(), features.end(), name);
      if (it == features.end()) {
        throw InvalidArgument("interaction constraint names a column that is not a feature",
                              {.field = fmt::format("interaction_constraints[{}]", g), .value = name,
                               .expected = "one of the model's features"});
      }
      mask[static_cast<std::size_t>(it - features.begin())] = 1;
      listed[static_cast<std::size_t>(it - features.begin())] = 1;
    }
    groups.push_back(std::move(mask));
  }
  for (std::size_t f = 0; f < features.size(); ++f) {
    if (listed[f]) continue;
    std::vector<char> alone(features.size(), 0);
    alone[f] = 1;
    groups.push_back(std::move(alone));
  }
  return groups;
}

std::string UtcNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The grown tree in the model's terms: raw thresholds (x <= threshold) and category ids.
Tree ToModelTree(const GrownTree& grown, const Binner& binner, double learning_rate) {
  Tree tree;
  tree.nodes.resize(grown.nodes.size());
  for (std::size_t i = 0; i < grown.nodes.size(); ++i) {
    const BinNode& b = grown.nodes[i];
    TreeNode& n = tree.nodes[i];
    n.value = b.value * learning_rate;
    n.cover = b.cover;
    if (b.is_leaf()) continue;
    n.left = b.left;
    n.right = b.right;
    n.feature = b.feature;
    n.default_left = b.default_left;
    n.gain = b.gain;
    const FeatureBins& fb = binner.feature(b.feature);
    if (b.categorical) {
      // Bins 0..C-1 are the kept categories in the model's category order; "other" never goes left.
      std::vector<std::uint32_t> set((static_cast<std::size_t>(fb.num_value_bins()) + 31) / 32, 0);
      for (int k = 0; k < fb.num_value_bins(); ++k) {
        if (b.left_bins[static_cast<std::size_t>(k)]) set[static_cast<std::size_t>(k) / 32] |= 1U << (k % 32);
      }
      n.category_set = static_cast<std::int32_t>(tree.category_sets.size());
      tree.category_sets.push_back(std::move(set));
    } else {
      const double upper = fb.BinUpperBound(b.threshold_bin);
      n.threshold = std::isfinite(upper) ? upper : std::numeric_limits<double>::max();
    }
  }
  return tree;
}

// The bins, fitted on a seeded sample of params.bin_sample_rows rows when there are more: quantile cuts
// from 200k rows are as good as from millions, at a fraction of the sketching time.
Binner FitBins(const Frame& train, const std::vector<std::string>& features, std::span<const double> weights,
               const BinnerOptions& options, const GbdtParams& params, const Context& ctx) {
  const std::int64_t n = train.num_rows();
  // Unit weights are passed as none, so that the binner sorts plain values.
  if (std::all_of(weights.begin(), weights.end(), [](double w) { return w == 1.0; })) weights = {};
  if (params.bin_sample_rows == 0 || n <= params.bin_sample_rows) return Binner::Fit(train, features, weights, options, ctx);
  // Selection sampling (Knuth's algorithm S): exactly bin_sample_rows rows, in order, from one stream.
  Rng rng(params.seed, ~std::uint64_t{0});
  std::vector<std::int64_t> sample;
  sample.reserve(static_cast<std::size_t>(params.bin_sample_rows));
  std::int64_t needed = params.bin_sample_rows;
  for (std::int64_t r = 0; r < n && needed > 0; ++r) {
    if (rng.Uniform() * static_cast<double>(n - r) < static_cast<double>(needed)) {
      sample.push_back(r);
      --needed;
    }
  }
  return Binner::Fit(train, features, weights, options, ctx, sample);
}

// The model's margins of the validation rows, a block of rows at a time: the batch predictor's speed
// without a copy of the whole frame as doubles (which costs more than scoring it).
std::vector<double> ValidationMargins(const GbdtModel& model, const Frame& valid, const Context& ctx) {
  const CompiledModel compiled(model);
  const auto k_out = static_cast<std::int64_t>(model.num_classes);
  std::vector<double> margins(static_cast<std::size_t>(valid.num_rows() * k_out));
  constexpr std::int64_t kBlockRows = 8192;
  Context one = ctx;
  one.set_threads(1);
  ParallelForDynamic(ctx, 0, (valid.num_rows() + kBlockRows - 1) / kBlockRows, [&](std::int64_t b) {
    thread_local FeatureMatrix block;
    const std::int64_t lo = b * kBlockRows, hi = std::min(valid.num_rows(), lo + kBlockRows);
    FillFeatureMatrix(model, valid, lo, hi, block);
    compiled.PredictBatch(block, std::span<double>(margins).subspan(static_cast<std::size_t>(lo * k_out),
                                                                  static_cast<std::size_t>((hi - lo) * k_out)), one);
  });
  return margins;
}

// Whether the trees are grown on low-bit gradients (histogram.hpp): asked for, every split needs only
// whether a node has rows (no categorical feature, min_data_in_leaf 1), and the sums fit 32 bits with room
// for at least 7 bits per row.
bool UseLowBitGradients(const GbdtParams& params, const TrainingData& data) {
  if (params.gradient_precision != GradientPrecision::kAuto || params.min_data_in_leaf > 1) return false;
  if (data.rows > (std::int64_t{1} << 24)) return false;
  return std::none_of(data.meta.begin(), data.meta.end(),
                      [](const FeatureMeta& m) { return m.kind == FeatureKind::kCategorical; });
}

}  // namespace

TrainResult Train(const Frame& train, const Schema& schema, const TrainOptions& options, const GbdtParams& params,
                  const Context& ctx, const Frame* valid) {
  params.Validate();
  const Columns cols = ResolveColumns(train, schema, options);
  const std::int64_t n = train.num_rows();
  if (n < 2) throw InvalidData("too few rows to train on", {.value = std::to_string(n), .expected = "at least 2"});

  // Labels, classes and weights.
  GbdtModel model;
  model.objective = params.objective;
  model.target = cols.target;
  model.params = params;
  std::vector<double> labels, valid_labels;
  const Column& target = train.column(cols.target);
  switch (params.objective) {
    case ObjectiveKind::kBinaryLogLoss: {
      BinaryTarget bt = ResolveBinaryTarget(target, options.event);
      labels = std::move(bt.labels);
      model.class_labels = {bt.non_event, bt.event};
      if (valid) valid_labels = EncodeBinaryTarget(valid->column(cols.target), bt.event, bt.non_event);
      break;
    }
    case ObjectiveKind::kSquaredError:
      if (!target.is_numeric()) {
        throw InvalidData("regression needs a numeric target", {.field = cols.target, .expected = "float64 or float32"});
      }
      labels = target.ToFloat64();
      if (valid) valid_labels = valid->column(cols.target).ToFloat64();
      break;
    case ObjectiveKind::kMulticlassSoftmax:
      model.class_labels = ClassLabels(target);
      if (params.num_classes > 0 && params.num_classes != static_cast<int>(model.class_labels.size())) {
        throw InvalidData(fmt::format("num_classes is {} but the target has {} classes", params.num_classes,
                                      model.class_labels.size()), {.field = cols.target});
      }
      if (model.class_labels.size() < 2) throw InvalidData("the target has fewer than two classes", {.field = cols.target});
      labels = EncodeClasses(target, model.class_labels);
      if (valid) valid_labels = EncodeClasses(valid->column(cols.target), model.class_labels);
      break;
  }
  model.num_classes = params.objective == ObjectiveKind::kMulticlassSoftmax ? static_cast<int>(model.class_labels.size()) : 1;
  const int K = model.num_classes;
  for (std::int64_t i = 0; i < n; ++i) {
    if (std::isnan(labels[static_cast<std::size_t>(i)])) {
      throw InvalidData(fmt::format("row {}: the target is missing", i + 1), {.field = cols.target,
                        .expected = "a target in every training row (drop or impute those rows first)"});
    }
  }
  std::vector<double> weights(static_cast<std::size_t>(n), 1.0);
  if (!cols.weight.empty()) {
    const std::vector<double> w = train.column(cols.weight).ToFloat64();
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (!(w[i] >= 0) || !std::isfinite(w[i])) {
        throw InvalidData(fmt::format("row {}: invalid weight", i + 1), {.field = cols.weight,
                          .value = fmt::format("{}", w[i]), .expected = "a finite weight >= 0"});
      }
      weights[i] = w[i];
    }
  }
  if (params.objective == ObjectiveKind::kBinaryLogLoss && params.scale_pos_weight != 1.0) {
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i] *= labels[i] > 0.5 ? params.scale_pos_weight : 1.0;
  }
  for (const auto& [label, w] : params.class_weights) {
    auto it = std::find(model.class_labels.begin(), model.class_labels.end(), label);
    if (it == model.class_labels.end()) {
      throw InvalidArgument("class weight for a class the target does not have",
                            {.field = "class_weights." + label, .expected = "a class of the target"});
    }
    // Binary labels are 0/1 in class_labels order {non-event, event}; multiclass labels are class indices.
    const auto k = static_cast<double>(it - model.class_labels.begin());
    for (std::size_t i = 0; i < weights.size(); ++i) weights[i] *= labels[i] == k ? w : 1.0;
  }

  // Bins and the training matrix.
  const std::vector<int> monotone = MonotoneDirections(train, schema, cols.features, params);
  const std::vector<std::vector<char>> groups = InteractionGroups(cols.features, params);
  BinnerOptions bin_options;
  bin_options.max_bins = params.max_bins;
  bin_options.max_categories = params.max_bins - 2;
  const Binner binner = FitBins(train, cols.features, weights, bin_options, params, ctx);
  const TrainingData data = MakeTrainingData(binner, binner.Transform(train, ctx), monotone, ctx);
  // Validation rows are routed through each new tree only when the metric is wanted every round.
  const bool evaluate_every_round =
      options.evaluate_every_round || params.early_stopping_rounds > 0 || ctx.progress() != nullptr;
  TrainingData valid_data;
  if (valid && evaluate_every_round) valid_data = MakeTrainingData(binner, binner.Transform(*valid, ctx), monotone, ctx);
  for (std::size_t f = 0; f < cols.features.size(); ++f) {
    const FeatureBins& fb = binner.feature(static_cast<int>(f));
    FeatureInfo info{.name = cols.features[f], .categorical = fb.kind() == BinKind::kCategorical,
                     .categories = fb.categories(), .monotone = monotone[f]};
    if (const FieldSpec* spec = schema.Find(cols.features[f])) info.description = spec->description;
    model.features.push_back(std::move(info));
  }
  // When it is not, the finished model's batch predictor scores them once (their columns are checked now,
  // so that invalid validation data is reported before any training).
  if (valid && !evaluate_every_round) {
    FeatureMatrix none;
    FillFeatureMatrix(model, *valid, 0, 0, none);
  }

  // Fairness constraint (validated before any binning work).
  std::optional<FairnessPenalty> fairness;
  if (options.fairness) fairness.emplace(*options.fairness, params.objective, labels);
  double total_weight = 0;
  for (const double w : weights) total_weight += w;  // fixed order
  const double max_weight = *std::max_element(weights.begin(), weights.end());

  // Boosting.
  model.base_margin = BaseMargin(params.objective, K, labels, weights);
  std::vector<double> margins;
  AssignWithHugePages(margins, static_cast<std::size_t>(n * K), 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < K; ++k) margins[static_cast<std::size_t>(i * K + k)] = model.base_margin[static_cast<std::size_t>(k)];
  }
  std::vector<double> valid_margins;
  std::vector<double> valid_weights;
  if (valid) {
    valid_margins.resize(static_cast<std::size_t>(valid->num_rows() * K));
    for (std::int64_t i = 0; i < valid->num_rows(); ++i) {
      for (int k = 0; k < K; ++k) valid_margins[static_cast<std::size_t>(i * K + k)] = model.base_margin[static_cast<std::size_t>(k)];
    }
    valid_weights.assign(static_cast<std::size_t>(valid->num_rows()), 1.0);
  }
  TrainResult result;
  result.metric = !params.eval_metric.empty() ? params.eval_metric
                  : params.objective == ObjectiveKind::kBinaryLogLoss ? "auc"
                  : params.objective == ObjectiveKind::kSquaredError ? "rmse" : "mlogloss";
  MetricHigherIsBetter(result.metric);  // rejects an unknown metric before any work
  const bool higher_better = MetricHigherIsBetter(result.metric);
  double best_metric = higher_better ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  result.best_iteration = params.num_rounds;
  if (ctx.progress()) ctx.progress()->Begin("training", params.num_rounds);

  std::vector<double> grad, hess;
  RowGradients gradients;
  GrowerWorkspace workspace;
  const bool low_bit = UseLowBitGradients(params, data);
  const auto F = static_cast<std::size_t>(data.features);
  // The rows of this iteration's sample (when sampling), and the rows the grower groups by leaf; both
  // buffers are reused from tree to tree (a fresh one would be page-faulted in each time).
  const bool sampling = params.subsample < 1.0;
  std::vector<std::int32_t> rows, tree_rows;
  for (int iter = 0; iter < params.num_rounds; ++iter) {
    ctx.ThrowIfCancelled();
    // Row and column samples: one random stream each per iteration, drawn sequentially (deterministic).
    if (sampling) {
      rows.clear();
      Rng row_rng(params.seed, 2 * static_cast<std::uint64_t>(iter));
      for (std::int64_t r = 0; r < n; ++r) {
        if (row_rng.Uniform() < params.subsample) rows.push_back(static_cast<std::int32_t>(r));
      }
    }
    std::vector<char> tree_features(F, 1);
    if (params.colsample_bytree < 1.0) {
      Rng col_rng(params.seed, 2 * static_cast<std::uint64_t>(iter) + 1);
      std::vector<std::size_t> order(F);
      std::iota(order.begin(), order.end(), 0);
      const auto keep = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(params.colsample_bytree * static_cast<double>(F))));
      for (std::size_t i = 0; i < keep; ++i) std::swap(order[i], order[i + col_rng.Below(F - i)]);
      std::fill(tree_features.begin(), tree_features.end(), 0);
      for (std::size_t i = 0; i < keep; ++i) tree_features[order[i]] = 1;
    }
    for (int k = 0; k < K; ++k) {
      const auto stream = static_cast<std::uint64_t>(iter * K + k);  // of the low-bit rounding
      if (low_bit && params.objective == ObjectiveKind::kBinaryLogLoss && !fairness) {
        // Log loss bounds its gradients (|g| <= w, h <= w / 4), so they are rounded as they are computed.
        LogLossGradientsLowBit(margins, labels, weights, max_weight, params.seed, stream, gradients, ctx);
      } else {
        ComputeGradients(params.objective, K, k, margins, labels, weights, grad, hess, ctx);
        // The constraint adds to the gradient only. Its own second derivative, lambda sigmoid''(f) (...), has
        // either sign and could make a leaf's hessian sum zero or negative; the log-loss hessian alone keeps
        // every Newton step well defined (FairGBM does the same).
        if (fairness) fairness->AddGradients(margins, total_weight, grad);
        if (low_bit) {
          QuantizeGradientsLowBit(grad, hess, params.seed, stream, gradients, ctx);
        } else {
          QuantizeGradients(grad, hess, gradients, ctx);
        }
      }
      const GrowerConfig config{&data, &params, tree_features, &groups};
      if (sampling) {
        tree_rows.assign(rows.begin(), rows.end());
      } else {  // every row, in order
        if (tree_rows.size() != static_cast<std::size_t>(n)) AssignWithHugePages(tree_rows, static_cast<std::size_t>(n), 0);
        ParallelForBlocks(ctx, 0, n, [&](std::int64_t lo, std::int64_t hi, int) {
          std::iota(tree_rows.begin() + lo, tree_rows.begin() + hi, static_cast<std::int32_t>(lo));
        });
      }
      GrownTree grown = GrowTree(config, std::move(tree_rows), gradients, workspace, ctx);
      Tree tree = ToModelTree(grown, binner, params.learning_rate);
      // Add the tree to the margins of every training and validation row. The grower left the sampled
      // rows grouped by leaf (each leaf's in increasing order), so only rows outside the sample walk the tree.
      std::vector<double> leaf_values(tree.nodes.size());
      for (std::size_t i = 0; i < tree.nodes.size(); ++i) leaf_values[i] = tree.nodes[i].value;
      grown.AddLeafValues(leaf_values, n, K, margins.data() + k, ctx);
      if (sampling) {
        std::vector<char> sampled(static_cast<std::size_t>(n), 0);
        for (const std::int32_t r : rows) sampled[static_cast<std::size_t>(r)] = 1;
        for (std::int64_t r = 0; r < n; ++r) {
          if (sampled[static_cast<std::size_t>(r)]) continue;
          const int leaf = grown.LeafOf(data.row(r), data.meta);
          margins[static_cast<std::size_t>(r * K + k)] += tree.nodes[static_cast<std::size_t>(leaf)].value;
        }
      }
      if (valid && evaluate_every_round) {
        ParallelForBlocks(ctx, 0, valid_data.rows, [&](std::int64_t lo, std::int64_t hi, int) {
          for (std::int64_t r = lo; r < hi; ++r) {
            const int leaf = grown.LeafOf(valid_data.row(r), valid_data.meta);
            valid_margins[static_cast<std::size_t>(r * K + k)] += tree.nodes[static_cast<std::size_t>(leaf)].value;
          }
        });
      }
      model.trees.push_back(std::move(tree));
      model.tree_class.push_back(k);
      tree_rows = std::move(grown.rows);
    }
    if (fairness) fairness->UpdateMultipliers(margins);
    EvalRecord rec{iter + 1, std::numeric_limits<double>::quiet_NaN()};
    const bool last_round = iter + 1 == params.num_rounds;
    if (valid && (evaluate_every_round || last_round)) {
      if (!evaluate_every_round) valid_margins = ValidationMargins(model, *valid, ctx);
      rec.valid = EvaluateMetric(result.metric, params.objective, K, valid_labels, valid_margins, valid_weights);
      const bool better = higher_better ? rec.valid > best_metric : rec.valid < best_metric;
      if (better) {
        best_metric = rec.valid;
        result.best_iteration = iter + 1;
      }
    }
    result.history.push_back(rec);
    if (ctx.progress()) {
      ctx.progress()->Update(iter + 1, valid ? fmt::format("valid {} {:.5f}", result.metric, rec.valid) : "");
    }
    if (valid && params.early_stopping_rounds > 0 && iter + 1 - result.best_iteration >= params.early_stopping_rounds) {
      break;
    }
  }
  if (ctx.progress()) ctx.progress()->End();
  // Early stopping keeps the best rounds only; otherwise every round is kept.
  if (!valid || params.early_stopping_rounds == 0) result.best_iteration = static_cast<int>(result.history.size());
  const auto keep = static_cast<std::size_t>(result.best_iteration * K);
  model.trees.resize(std::min(model.trees.size(), keep));
  model.tree_class.resize(model.trees.size());
  model.provenance.producer = std::string("finai ") + FINAI_VERSION;
  model.provenance.created_at = UtcNow();
  model.provenance.training_data = options.training_data_name;
  model.provenance.training_rows = n;
  if (valid) model.provenance.metrics["valid_" + result.metric] = best_metric;
  if (fairness) {
    result.fairness = fairness->Summary(margins);
    for (const auto& [name, value] : result.fairness) model.provenance.metrics[name] = value;
  }
  model.Validate();
  result.model = std::move(model);
  return result;
}

}  // namespace finai::gbdt
