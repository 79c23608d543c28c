// Synthetic data sets for the tree engine's tests.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "finai/core/random.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/schema.hpp"

namespace finai::gbdt::testing {

// y = event with probability sigmoid(f(x)) where f has a threshold, an interaction and a categorical effect;
// about 5% of x1 is missing. Without `with_categorical` the frame lacks the categorical column (its effect
// is then noise), so that the trainer uses low-bit gradients (histogram.hpp).
inline Frame BinaryFrame(int n, std::uint64_t seed, bool with_categorical = true) {
  Rng rng(seed);
  std::vector<double> x0(n), x1(n), x2(n);
  std::vector<std::int32_t> cat(n), y(n);
  for (int i = 0; i < n; ++i) {
    x0[i] = rng.Normal();
    x1[i] = rng.Uniform() < 0.05 ? std::nan("") : rng.Normal();
    x2[i] = rng.Uniform() * 10;
    cat[i] = static_cast<std::int32_t>(rng.Below(5));
    const double f = 1.5 * x0[i] + (std::isnan(x1[i]) ? 1.0 : (x1[i] > 0.3 ? 1.0 : -1.0)) * (x2[i] > 5 ? 1 : 0.3) +
                     (cat[i] == 2 ? 1.5 : cat[i] == 4 ? -1.0 : 0.0);
    y[i] = rng.Uniform() < 1 / (1 + std::exp(-f)) ? 1 : 0;
  }
  std::vector<Column> columns{Column::Categorical("y", y, {"good", "bad"}), Column::Float64("x0", x0),
                              Column::Float64("x1", x1), Column::Float64("x2", x2)};
  if (with_categorical) columns.push_back(Column::Categorical("cat", cat, {"a", "b", "c", "d", "e"}));
  return Frame(std::move(columns));
}

inline Schema SchemaOf(const Frame& f, const std::string& target) {
  Schema s;
  for (const auto& c : f.columns()) {
    FieldSpec spec{.name = c.name(), .type = c.type()};
    if (c.name() == target) spec.role = Role::kTarget;
    s.Add(spec);
  }
  return s;
}

}  // namespace finai::gbdt::testing
