// Predicting with a boosted tree model. Every fast path is tested against ReferencePredict, a plain
// traversal of the model as stored (the oracle).
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::gbdt {

enum class PredictKind {
  kMargin,     // raw scores, rows x num_classes
  kResponse,   // probabilities (binary: of the event; multiclass: per class) or regression values
  kLeafIndex,  // index of the leaf each row reaches in each tree, rows x trees
};

// Row-major outputs. Batch prediction runs over blocks of rows in parallel; results do not depend on the
// thread count (each row adds its trees in model order).
std::vector<double> Predict(const GbdtModel& model, const FeatureMatrix& x, PredictKind kind, const Context& ctx);

// The oracle: node by node, straight from GbdtModel.
std::vector<double> ReferencePredict(const GbdtModel& model, const FeatureMatrix& x, PredictKind kind);

// Does a value go left at this node? (NaN = missing.) The one definition every predictor follows.
bool GoesLeft(const GbdtModel& model, const Tree& tree, const TreeNode& node, double value);

class BinnedForest;  // the batch path's ranked form of the shallow trees (src/models/gbdt/binned_forest.hpp)

// The trees flattened for speed: children adjacent, one comparison form (<=), thresholds pre-rounded for
// float32 models; for batches, shallow numeric trees also as perfect trees over ranked rows. Build once, predict
// many times.
class CompiledModel {
 public:
  explicit CompiledModel(const GbdtModel& model);
  int num_outputs() const { return num_outputs_; }
  int num_features() const { return num_features_; }
  // Margins of one row (num_outputs values): the low-latency path for scoring one applicant.
  void PredictRow(std::span<const double> row, std::span<double> margins) const;
  // Margins of many rows, row-major.
  void PredictBatch(const FeatureMatrix& x, std::span<double> margins, const Context& ctx) const;

 private:
  // A leaf points to itself and reads the row's extra NaN slot (column num_features), so that stepping a
  // row that has reached its leaf keeps it there: rows (or trees) can then be walked in lockstep, one
  // level at a time, without asking whether each has finished.
  struct Node {
    double value;          // threshold (internal), leaf value (leaf), or category-set index (categorical)
    std::int32_t feature;  // feature index (leaf: num_features); flags in the top bits
    std::int32_t left;     // right child is left + 1; a leaf's left is itself
  };
  static constexpr std::int32_t kDefaultLeft = 1 << 30;
  static constexpr std::int32_t kCategorical = 1 << 29;
  static constexpr std::int32_t kLeaf = 1 << 28;
  static constexpr std::int32_t kFeatureMask = (1 << 28) - 1;

  double TreeValue(std::size_t tree, const double* row) const;
  // One numeric split step: the child a value leads to (a leaf leads to itself).
  std::int32_t Step(const Node& node, double v) const {
    const bool left = (v <= node.value) | (std::isnan(v) & ((node.feature & kDefaultLeft) != 0));
    return node.left + (left ? 0 : 1);
  }
  // Copies rows into `out` with the NaN slot appended (and float32 rounding when the model compares so).
  void PadRows(const double* rows, std::int64_t count, std::vector<double>& out) const;

  std::vector<Node> nodes_;
  std::vector<std::int32_t> roots_;
  std::vector<std::int32_t> tree_class_;
  std::vector<std::int32_t> depth_;        // per tree: the deepest leaf's depth
  std::vector<char> categorical_;          // per tree: has categorical splits (walked row by row)
  std::vector<std::vector<std::uint32_t>> category_sets_;
  std::vector<double> base_margin_;
  std::shared_ptr<const BinnedForest> binned_;
  int num_outputs_ = 1;
  int num_features_ = 0;
  bool float32_ = false;
};

}  // namespace finai::gbdt
