// Trade-off tables: each mitigation method over a grid of levels, trees trained on a stratified training part and
// every row of the table measured on the held-out part.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "finai/core/error.hpp"
#include "finai/data/split.hpp"
#include "finai/data/target.hpp"
#include "finai/fairness/audit.hpp"
#include "finai/fairness/mitigation.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "finai/models/gbdt/train.hpp"
#include "logistic_learner.hpp"

namespace finai::fairness {

namespace {

constexpr const char* kLabel = "__finai_fair_label";
constexpr const char* kWeight = "__finai_fair_weight";

// One side of the split: the feature columns, labels and groups.
struct Part {
  Frame x;
  std::vector<double> y;
  std::vector<int> g;
};

struct Setup {
  Part train, test;
  std::vector<std::string> features;
  const Schema* schema = nullptr;
  const MitigationOptions* options = nullptr;
  int k = 0;
  const Context* ctx = nullptr;
};

// FairGBM-style constrained boosting on the training part (the groups are needed here only), scored on the test
// part; the multipliers and the training part's gaps, as the trainer reports them, go into the note.
std::pair<std::vector<double>, std::string> FairGbmTrainPredict(const Setup& s, double eps) {
  std::vector<Column> cols = s.train.x.columns();
  cols.push_back(Column::Float64(kLabel, s.train.y));
  gbdt::TrainOptions opt{.target = kLabel, .features = s.features, .event = "1", .training_data_name = "fairness"};
  gbdt::FairnessConstraint fc{.num_groups = s.k, .epsilon = eps,
                              .multiplier_learning_rate = s.options->multiplier_learning_rate};
  fc.group.assign(s.train.g.begin(), s.train.g.end());
  switch (s.options->constraint) {
    case Constraint::kDemographicParity: fc.kind = gbdt::FairnessConstraint::kDemographicParity; break;
    case Constraint::kEqualOpportunity: fc.kind = gbdt::FairnessConstraint::kEqualOpportunity; break;
    case Constraint::kEqualizedOdds: fc.kind = gbdt::FairnessConstraint::kEqualizedOdds; break;
  }
  opt.fairness = std::move(fc);
  const gbdt::TrainResult r = gbdt::Train(Frame(std::move(cols)), *s.schema, opt, s.options->params, *s.ctx);
  double largest = 0;
  std::string gaps;
  for (const auto& [name, value] : r.fairness) {
    if (name.starts_with("fairness_lambda")) largest = std::max(largest, value);
    if (name.starts_with("fairness_gap")) {
      gaps += fmt::format("{}{} {:.4f}", gaps.empty() ? "" : ", ", name.substr(13, name.size() - 14), value);
    }
  }
  std::string note = fmt::format("largest multiplier {:.3f}; on the training part, largest gap of a group's rate to "
                                 "the overall rate: {}", largest, gaps);
  return {gbdt::Predict(r.model, gbdt::BuildFeatureMatrix(r.model, s.test.x, *s.ctx), gbdt::PredictKind::kResponse, *s.ctx),
          std::move(note)};
}

// Trains the learner (trees or logistic regression) on `x` (labels y, optional weights) and returns the event probabilities of each frame asked.
std::vector<std::vector<double>> TrainPredict(const Setup& s, const Frame& x, std::span<const double> y,
                                              std::span<const double> w, const std::vector<const Frame*>& score) {
  double first = y.empty() ? 0 : y[0];
  const bool constant = std::all_of(y.begin(), y.end(), [&](double v) { return v == first; });
  std::vector<std::vector<double>> out;
  if (constant) {  // one class only (can happen in a reduction step): the constant classifier
    for (const Frame* f : score) out.emplace_back(static_cast<std::size_t>(f->num_rows()), first);
    return out;
  }
  if (s.options->learner == Learner::kLogistic) return detail::LogisticTrainPredict(x, y, w, score, s.options->logistic_l2);
  std::vector<Column> cols = x.columns();
  cols.push_back(Column::Float64(kLabel, std::vector<double>(y.begin(), y.end())));
  gbdt::TrainOptions opt{.target = kLabel, .features = s.features, .event = "1", .training_data_name = "fairness"};
  if (!w.empty()) {
    cols.push_back(Column::Float64(kWeight, std::vector<double>(w.begin(), w.end())));
    opt.weight = kWeight;
  }
  const Frame train(std::move(cols));
  const gbdt::TrainResult r = gbdt::Train(train, *s.schema, opt, s.options->params, *s.ctx);
  for (const Frame* f : score) {
    out.push_back(gbdt::Predict(r.model, gbdt::BuildFeatureMatrix(r.model, *f, *s.ctx), gbdt::PredictKind::kResponse, *s.ctx));
  }
  return out;
}

// A row of the table from the test part's decisions (fractional for a randomized classifier) and ranking scores.
TradeoffRow Measure(const Setup& s, double level, std::span<const double> decisions, std::span<const double> scores) {
  TradeoffRow row{.level = level};
  double correct = 0;
  for (std::size_t i = 0; i < decisions.size(); ++i) correct += 1 - std::abs(decisions[i] - s.test.y[i]);
  row.accuracy = correct / static_cast<double>(decisions.size());
  row.auc = metrics::Auc(s.test.y, scores);
  const FairnessSummary f = SummarizeDecisions(s.test.y, decisions, s.test.g, s.k, s.options->min_group_size);
  row.demographic_parity_difference = f.demographic_parity_difference;
  row.demographic_parity_ratio = f.demographic_parity_ratio;
  row.equalized_odds_difference = f.equalized_odds_difference;
  row.true_positive_rate_difference = f.true_positive_rate_difference;
  return row;
}

std::vector<double> Decide(std::span<const double> p, double threshold) {
  std::vector<double> d(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) d[i] = p[i] >= threshold ? 1 : 0;
  return d;
}

// The randomized classifier of the reduction on the test part, and what the LP chose on the training part.
struct ExpGradResult {
  std::vector<double> q_test;  // probability of predicting the event
  int support = 0;             // best responses with weight > 0
  double train_error = 0, train_violation = 0;
  FairnessSummary train_fairness;  // of the randomized classifier on the training part
};

// Agarwal et al. (2018), Algorithm 1: exponentiated-gradient play between the learner, who answers each vector of
// Lagrange multipliers with a cost-sensitive classifier (the learner trained on relabelled, reweighted rows), and
// the multipliers, which grow on the constraints the last classifier violates. Every best response h_t is kept;
// the randomized classifier's weights Q over them come from the LP of SolveMixtureLp on the training part (as
// fairlearn does), not from the plain average of the iterates, which converges slowly.
ExpGradResult ExpGrad(const Setup& s, double eps) {
  const auto& y = s.train.y;
  const auto& g = s.train.g;
  const std::size_t n = y.size();
  const int k = s.k;
  const Constraint c = s.options->constraint;
  // Moments: events e (0 = everyone for demographic parity; 1 + y for the odds), constraints (e, group) x sign.
  const int events = c == Constraint::kDemographicParity ? 1 : 2;
  auto event_of = [&](std::size_t i) { return c == Constraint::kDemographicParity ? 0 : static_cast<int>(y[i]); };
  auto active = [&](int e) { return c != Constraint::kEqualOpportunity || e == 1; };
  std::vector<double> n_e(static_cast<std::size_t>(events)), n_eg(static_cast<std::size_t>(events * k));
  for (std::size_t i = 0; i < n; ++i) {
    n_e[event_of(i)] += 1;
    n_eg[event_of(i) * k + g[i]] += 1;
  }
  const int K = events * k;
  const double B = 1 / eps, eta = 2.0 / B;
  std::vector<double> theta(static_cast<std::size_t>(2 * K), 0.0);
  const int T = s.options->expgrad_iterations;
  std::vector<double> cost(n), label(n), weight(n), h(n);
  std::vector<std::vector<double>> h_test, h_train;  // h_t on the test and training parts, 0/1
  std::vector<double> errors;                // h_t's training error
  std::vector<std::vector<double>> moments;  // h_t's signed gaps (+gap, -gap per active (event, group))
  for (int t = 0; t < T; ++t) {
    double denom = 1;
    for (double th : theta) denom += std::exp(th);
    std::vector<double> lambda(static_cast<std::size_t>(K));  // lambda(+) - lambda(-) per (event, group)
    for (int j = 0; j < K; ++j) lambda[j] = B * (std::exp(theta[2 * j]) - std::exp(theta[2 * j + 1])) / denom;
    std::vector<double> sum_e(static_cast<std::size_t>(events), 0.0);
    for (int e = 0; e < events; ++e) for (int a = 0; a < k; ++a) sum_e[e] += lambda[e * k + a];
    // Cost of predicting the event minus cost of predicting the non-event, row by row.
    for (std::size_t i = 0; i < n; ++i) {
      const int e = event_of(i);
      double sw = 0;
      if (active(e) && n_eg[e * k + g[i]] > 0) sw = lambda[e * k + g[i]] / n_eg[e * k + g[i]] - sum_e[e] / n_e[e];
      cost[i] = (1 - 2 * y[i]) / static_cast<double>(n) + sw;
      label[i] = cost[i] < 0 ? 1 : 0;
      weight[i] = std::abs(cost[i]) * static_cast<double>(n);
    }
    const auto p = TrainPredict(s, s.train.x, label, weight, {&s.train.x, &s.test.x});
    double wrong = 0;
    for (std::size_t i = 0; i < n; ++i) {
      h[i] = p[0][i] >= 0.5 ? 1 : 0;
      wrong += h[i] != y[i] ? 1 : 0;
    }
    errors.push_back(wrong / static_cast<double>(n));
    h_train.push_back(h);
    std::vector<double> ht(p[1].size());
    for (std::size_t i = 0; i < ht.size(); ++i) ht[i] = p[1][i] >= 0.5 ? 1 : 0;
    h_test.push_back(std::move(ht));
    // Constraint violations of h: gamma(e, a) - gamma(e) - eps for each sign.
    std::vector<double> mean_eg(static_cast<std::size_t>(K), 0.0), mean_e(static_cast<std::size_t>(events), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      mean_eg[event_of(i) * k + g[i]] += h[i];
      mean_e[event_of(i)] += h[i];
    }
    std::vector<double> gaps;
    for (int e = 0; e < events; ++e) {
      if (!active(e)) continue;
      const double ge = n_e[e] > 0 ? mean_e[e] / n_e[e] : 0;
      for (int a = 0; a < k; ++a) {
        const int j = e * k + a;
        if (n_eg[j] == 0) continue;
        const double gap = mean_eg[j] / n_eg[j] - ge;
        theta[2 * j] += eta * (gap - eps);
        theta[2 * j + 1] += eta * (-gap - eps);
        gaps.push_back(gap);
        gaps.push_back(-gap);
      }
    }
    moments.push_back(std::move(gaps));
    s.ctx->ThrowIfCancelled();
  }
  const MixtureSolution mix = SolveMixtureLp(errors, moments, eps, B);
  ExpGradResult out{.q_test = std::vector<double>(h_test.front().size(), 0.0), .train_error = mix.error,
                    .train_violation = mix.violation};
  std::vector<double> q_train(n, 0.0);
  for (int t = 0; t < T; ++t) {
    const double q = mix.weights[static_cast<std::size_t>(t)];
    if (q <= 0) continue;
    ++out.support;
    for (std::size_t i = 0; i < out.q_test.size(); ++i) out.q_test[i] += q * h_test[static_cast<std::size_t>(t)][i];
    for (std::size_t i = 0; i < n; ++i) q_train[i] += q * h_train[static_cast<std::size_t>(t)][i];
  }
  out.train_fairness = SummarizeDecisions(y, q_train, g, k, s.options->min_group_size);
  return out;
}

std::vector<double> DefaultGrid(Method m) {
  switch (m) {
    case Method::kReweighing:
    case Method::kDiRemover: return {0, 0.25, 0.5, 0.75, 1};
    case Method::kExpGrad: return {0.1, 0.05, 0.02, 0.01};
    case Method::kThresholds: return {1, 0.1, 0.05, 0.02, 0.01};
    case Method::kRejectOption: return {0, 0.05, 0.1, 0.15, 0.2};
    case Method::kFairGbm: return {0.1, 0.05, 0.02, 0.01};
  }
  return {};
}

Part TakePart(const Frame& x, const std::vector<double>& y, const std::vector<int>& g, const std::vector<std::int64_t>& rows) {
  Part p{.x = x.Take(rows)};
  for (auto r : rows) {
    p.y.push_back(y[static_cast<std::size_t>(r)]);
    p.g.push_back(g[static_cast<std::size_t>(r)]);
  }
  return p;
}

// The numeric feature columns of a part repaired towards the groups' median distribution.
Frame RepairFrame(const Frame& x, const std::vector<int>& g, const std::vector<DisparateImpactRemover>& removers,
                  const std::vector<std::string>& features, double level) {
  std::vector<Column> cols;
  std::size_t next = 0;
  for (const auto& col : x.columns()) {
    if (!col.is_numeric()) {
      cols.push_back(col);
      continue;
    }
    std::vector<double> v = col.ToFloat64();
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = removers[next].Repair(v[i], g[i], level);
    ++next;
    cols.push_back(Column::Float64(col.name(), std::move(v)));
  }
  (void)features;
  return Frame(std::move(cols));
}

}  // namespace

TradeoffTable Mitigate(const Frame& frame, const Schema& schema, const Groups& groups, const MitigationOptions& options,
                       const Context& ctx) {
  if (!(options.test_fraction > 0 && options.test_fraction < 1)) {
    throw InvalidArgument("test fraction out of range", {.field = "--test-fraction", .field_kind = "option",
                                                         .value = fmt::format("{}", options.test_fraction), .expected = "in (0, 1)"});
  }
  if (options.expgrad_iterations < 1) {
    throw InvalidArgument("expgrad iterations must be >= 1", {.field = "--iterations", .field_kind = "option",
                                                              .value = std::to_string(options.expgrad_iterations)});
  }
  if (!(options.logistic_l2 > 0) || !std::isfinite(options.logistic_l2)) {
    throw InvalidArgument("the logistic learner's L2 penalty must be positive", {.field = "--l2", .field_kind = "option",
                                                                                 .value = fmt::format("{}", options.logistic_l2),
                                                                                 .expected = "> 0"});
  }
  if (options.method == Method::kFairGbm && options.learner != Learner::kTrees) {
    throw InvalidArgument("fairgbm constrains the boosting itself, so it needs the trees learner",
                          {.field = "--learner", .field_kind = "option", .value = std::string(LearnerName(options.learner)),
                           .expected = "trees"});
  }
  if (!(options.multiplier_learning_rate > 0) || !std::isfinite(options.multiplier_learning_rate)) {
    throw InvalidArgument("the multipliers' learning rate must be positive",
                          {.field = "--multiplier-lr", .field_kind = "option",
                           .value = fmt::format("{}", options.multiplier_learning_rate), .expected = "> 0"});
  }
  const std::vector<double> grid = options.grid.empty() ? DefaultGrid(options.method) : options.grid;
  for (double level : grid) {
    const bool ok = options.method == Method::kReweighing || options.method == Method::kDiRemover
                        ? level >= 0 && level <= 1
                        : options.method == Method::kExpGrad ? level > 0 && level <= 1 : level >= 0 && level <= 1;
    if (!ok) {
      throw InvalidArgument("grid level out of range", {.field = "--grid", .field_kind = "option", .value = fmt::format("{:g}", level),
                                                        .expected = options.method == Method::kExpGrad ? "in (0, 1]" : "in [0, 1]"});
    }
  }
  // Target and features.
  const std::string target = !options.target.empty() ? options.target : schema.SingleWithRole(Role::kTarget).value_or("");
  if (target.empty()) throw InvalidArgument("no target column", {.field = "--target", .field_kind = "option",
                                                                 .expected = "--target or a schema with a target role"});
  const BinaryTarget bt = ResolveBinaryTarget(frame.column(target), options.event);
  Setup s{.schema = &schema, .options = &options, .k = groups.count(), .ctx = &ctx};
  s.features = options.features;
  if (s.features.empty()) {
    for (const auto& f : schema.fields()) {
      const bool sensitive = std::find(groups.attributes.begin(), groups.attributes.end(), f.name) != groups.attributes.end();
      if (f.role != Role::kFeature || f.name == target || sensitive) continue;
      if (f.type == ColumnType::kString || f.type == ColumnType::kDateTime) continue;
      s.features.push_back(f.name);
    }
  }
  for (const auto& f : s.features) {
    if (std::find(groups.attributes.begin(), groups.attributes.end(), f) != groups.attributes.end()) {
      throw InvalidArgument("the sensitive attribute cannot be a feature of the mitigated model", {.field = f});
    }
  }
  if (s.features.empty()) throw InvalidArgument("no feature columns", {.expected = "at least one feature"});
  // Rows with a label and a group, split stratified on the label.
  std::vector<std::int64_t> keep;
  for (std::int64_t r = 0; r < frame.num_rows(); ++r) {
    if (!std::isnan(bt.labels[static_cast<std::size_t>(r)]) && groups.of_row[static_cast<std::size_t>(r)] >= 0) keep.push_back(r);
  }
  std::vector<Column> fcols;
  for (const auto& f : s.features) fcols.push_back(frame.column(f).Take(keep));
  const Frame x(std::move(fcols));
  std::vector<double> y;
  std::vector<int> g;
  for (auto r : keep) {
    y.push_back(bt.labels[static_cast<std::size_t>(r)]);
    g.push_back(groups.of_row[static_cast<std::size_t>(r)]);
  }
  const TrainTest split = StratifiedSplit(Column::Float64("label", y), options.test_fraction, ctx.seed());
  s.train = TakePart(x, y, g, split.train);
  s.test = TakePart(x, y, g, split.test);

  TradeoffTable table{.method = options.method, .constraint = options.constraint,
                      .needs_sensitive_at_decision = NeedsSensitiveAtDecision(options.method),
                      .train_rows = static_cast<std::int64_t>(s.train.y.size()),
                      .test_rows = static_cast<std::int64_t>(s.test.y.size())};
  const double theta = options.threshold;
  const auto base = TrainPredict(s, s.train.x, s.train.y, {}, {&s.train.x, &s.test.x});
  table.baseline = Measure(s, 0, Decide(base[1], theta), base[1]);

  switch (options.method) {
    case Method::kReweighing: {
      table.level_name = "weight level";
      const std::vector<double> w = ReweighingWeights(s.train.y, s.train.g, s.k);
      for (double level : grid) {
        std::vector<double> wl(w.size());
        for (std::size_t i = 0; i < w.size(); ++i) wl[i] = 1 + level * (w[i] - 1);
        const auto p = TrainPredict(s, s.train.x, s.train.y, wl, {&s.test.x});
        table.rows.push_back(Measure(s, level, Decide(p[0], theta), p[0]));
      }
      break;
    }
    case Method::kDiRemover: {
      table.level_name = "repair level";
      std::vector<DisparateImpactRemover> removers;
      for (const auto& col : s.train.x.columns()) {
        if (col.is_numeric()) removers.emplace_back(col.ToFloat64(), s.train.g, s.k);
      }
      for (double level : grid) {
        const Frame tr = RepairFrame(s.train.x, s.train.g, removers, s.features, level);
        const Frame te = RepairFrame(s.test.x, s.test.g, removers, s.features, level);
        const auto p = TrainPredict(s, tr, s.train.y, {}, {&te});
        table.rows.push_back(Measure(s, level, Decide(p[0], theta), p[0]));
      }
      break;
    }
    case Method::kExpGrad: {
      table.level_name = "tolerance";
      for (double eps : grid) {
        const ExpGradResult r = ExpGrad(s, eps);
        TradeoffRow row = Measure(s, eps, r.q_test, r.q_test);
        row.note = fmt::format("mixture of {} of {} models; on the training part: error {:.4f}, violation beyond "
                               "tolerance {:.4f}, DP diff {:.4f}, EO diff {:.4f}", r.support, options.expgrad_iterations,
                               r.train_error, r.train_violation, r.train_fairness.demographic_parity_difference,
                               r.train_fairness.equalized_odds_difference);
        table.rows.push_back(std::move(row));
      }
      break;
    }
    case Method::kThresholds: {
      table.level_name = "tolerance";
      for (double tol : grid) {
        const std::vector<double> t = GroupThresholds(s.train.y, base[0], s.train.g, s.k, options.constraint, tol);
        std::vector<double> d(s.test.y.size());
        for (std::size_t i = 0; i < d.size(); ++i) d[i] = base[1][i] >= t[static_cast<std::size_t>(s.test.g[i])] ? 1 : 0;
        TradeoffRow row = Measure(s, tol, d, base[1]);
        for (int j = 0; j < s.k; ++j) {
          row.note += fmt::format("{}{}: {:.3f}", j ? "; " : "", groups.names[j], t[static_cast<std::size_t>(j)]);
        }
        table.rows.push_back(std::move(row));
      }
      break;
    }
    case Method::kFairGbm: {
      table.level_name = "tolerance";
      for (double eps : grid) {
        auto [p, note] = FairGbmTrainPredict(s, eps);
        TradeoffRow row = Measure(s, eps, Decide(p, theta), p);
        row.note = std::move(note);
        table.rows.push_back(std::move(row));
      }
      break;
    }
    case Method::kRejectOption: {
      table.level_name = "margin";
      // Deprived groups: favourable rate of the unmitigated decisions on the training part below the overall rate.
      const std::vector<double> d0 = Decide(base[0], theta);
      std::vector<double> fav(static_cast<std::size_t>(s.k)), cnt(static_cast<std::size_t>(s.k));
      double all = 0;
      for (std::size_t i = 0; i < d0.size(); ++i) {
        const double f = options.favorable_is_event ? d0[i] : 1 - d0[i];
        fav[s.train.g[i]] += f;
        cnt[s.train.g[i]] += 1;
        all += f;
      }
      all /= static_cast<double>(d0.size());
      std::vector<bool> deprived(static_cast<std::size_t>(s.k));
      std::string names;
      for (int j = 0; j < s.k; ++j) {
        deprived[j] = cnt[j] > 0 && fav[j] / cnt[j] < all;
        if (deprived[j]) names += (names.empty() ? "" : "; ") + groups.names[j];
      }
      for (double margin : grid) {
        const auto d = RejectOptionDecisions(base[1], s.test.g, deprived, theta, margin, options.favorable_is_event);
        TradeoffRow row = Measure(s, margin, d, base[1]);
        row.note = "favoured: " + names;
        table.rows.push_back(std::move(row));
      }
      break;
    }
  }
  return table;
}

}  // namespace finai::fairness
