// Random small models for the explanation tests: trained by finai on random frames with missing values and a
// categorical feature, so that every split kind (numeric, missing default, categorical set) is explained.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "finai/core/random.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"
#include "finai/models/gbdt/train.hpp"

namespace finai::explain::testing {

// `numeric` numeric features (about 10% missing) and one categorical feature with 6 categories; the target depends
// on all of them with interactions. classes: 2 (binary) or more (multiclass); 0 = regression.
inline Frame RandomFrame(int rows, int numeric, int classes, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Column> columns;
  std::vector<std::vector<double>> x(static_cast<std::size_t>(numeric), std::vector<double>(rows));
  std::vector<std::int32_t> cat(rows);
  std::vector<double> f(rows, 0.0);
  for (int j = 0; j < numeric; ++j) {
    const double coef = rng.Normal();
    for (int i = 0; i < rows; ++i) {
      const double v = rng.Normal();
      x[j][i] = rng.Uniform() < 0.1 ? std::nan("") : v;
      f[i] += std::isnan(x[j][i]) ? 0.5 : coef * v + (j > 0 && x[j - 1][i] > 0 ? v : 0.0);
    }
  }
  for (int i = 0; i < rows; ++i) {
    cat[i] = static_cast<std::int32_t>(rng.Below(6));
    f[i] += cat[i] == 1 ? 1.0 : cat[i] == 4 ? -1.5 : 0.0;
  }
  if (classes == 0) {
    std::vector<double> y(rows);
    for (int i = 0; i < rows; ++i) y[i] = f[i] + 0.3 * rng.Normal();
    columns.push_back(Column::Float64("y", y));
  } else {
    std::vector<std::int32_t> y(rows);
    std::vector<std::string> labels;
    for (int c = 0; c < classes; ++c) labels.push_back("c" + std::to_string(c));
    for (int i = 0; i < rows; ++i) {
      if (classes == 2) {
        y[i] = rng.Uniform() < 1 / (1 + std::exp(-f[i])) ? 1 : 0;
      } else {
        const double z = f[i] + rng.Normal();
        y[i] = z < -0.5 ? 0 : z < 0.8 ? 1 : classes - 1;
      }
    }
    columns.push_back(Column::Categorical("y", y, labels));
  }
  for (int j = 0; j < numeric; ++j) columns.push_back(Column::Float64("x" + std::to_string(j), x[j]));
  columns.push_back(Column::Categorical("cat", cat, {"a", "b", "c", "d", "e", "f"}));
  return Frame(std::move(columns));
}

inline Schema SchemaOf(const Frame& f) {
  Schema s;
  for (const auto& c : f.columns()) {
    FieldSpec spec{.name = c.name(), .type = c.type()};
    if (c.name() == "y") spec.role = Role::kTarget;
    s.Add(spec);
  }
  return s;
}

inline gbdt::GbdtModel TrainModel(const Frame& f, gbdt::ObjectiveKind objective, int rounds, int depth,
                                  std::uint64_t seed) {
  gbdt::GbdtParams p;
  p.objective = objective;
  p.num_rounds = rounds;
  p.max_depth = depth;
  p.learning_rate = 0.3;
  p.min_data_in_leaf = 3;
  p.min_child_weight = 0.01;
  p.min_data_per_category = 1;
  p.subsample = 0.8;
  p.colsample_bytree = 0.8;
  p.seed = seed;
  Context ctx;
  ctx.set_threads(1);
  return gbdt::Train(f, SchemaOf(f), {}, p, ctx).model;
}

// A random tree grown to `depth` on `features` features (so features repeat along paths), random thresholds in
// [-1, 1], random covers with some children that no training weight reached, and missing values sent either way.
inline gbdt::Tree RandomDeepTree(Rng& rng, int features, int depth, double stop = 0.15) {
  gbdt::Tree tree;
  struct Pending {
    std::int32_t index;
    int level;
    double cover;
  };
  tree.nodes.push_back({.cover = 100});
  std::vector<Pending> stack = {{0, 0, 100}};
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    if (p.level >= depth || (p.level > 2 && rng.Uniform() < stop)) {
      tree.nodes[static_cast<std::size_t>(p.index)].value = rng.Normal();
      continue;
    }
    const double u = rng.Uniform();
    const double share = u < 0.05 ? 0.0 : u > 0.95 ? 1.0 : rng.Uniform();
    const auto left = static_cast<std::int32_t>(tree.nodes.size());
    gbdt::TreeNode& n = tree.nodes[static_cast<std::size_t>(p.index)];
    n.left = left;
    n.right = left + 1;
    n.feature = static_cast<std::int32_t>(rng.Below(static_cast<std::uint64_t>(features)));
    n.threshold = 2 * rng.Uniform() - 1;
    n.default_left = rng.Uniform() < 0.5;
    tree.nodes.push_back({.cover = p.cover * share});
    tree.nodes.push_back({.cover = p.cover * (1 - share)});
    stack.push_back({left, p.level + 1, p.cover * share});
    stack.push_back({left + 1, p.level + 1, p.cover * (1 - share)});
  }
  return tree;
}

inline gbdt::GbdtModel RandomDeepModel(std::uint64_t seed, int features, int trees, int depth, double stop = 0.15) {
  Rng rng(seed);
  gbdt::GbdtModel model;
  model.base_margin = {0.1};
  for (int j = 0; j < features; ++j) model.features.push_back({.name = "f" + std::to_string(j)});
  for (int t = 0; t < trees; ++t) {
    model.trees.push_back(RandomDeepTree(rng, features, depth, stop));
    model.tree_class.push_back(0);
  }
  return model;
}

inline gbdt::FeatureMatrix RandomRows(std::uint64_t seed, int rows, int cols) {
  Rng rng(seed);
  gbdt::FeatureMatrix x{.rows = rows, .cols = cols};
  for (int i = 0; i < rows * cols; ++i) x.values.push_back(rng.Uniform() < 0.05 ? std::nan("") : 2.2 * rng.Uniform() - 1.1);
  return x;
}

}  // namespace finai::explain::testing
