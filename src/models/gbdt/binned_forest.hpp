// The batch predictor's fast form of a forest: each row is turned once, per block of rows, into ranks (for each
// feature, where its value falls among every threshold the model splits that feature at), and each shallow numeric
// tree into a perfect binary tree of 4-byte nodes in heap order that compares ranks. A row then crosses a tree with
// one small integer compare per level, and the nodes of a tree fit in a few cache lines. It routes exactly as
// GoesLeft (split rule, float32 comparison, missing values, infinities): predictions are bit-identical to
// ReferencePredict, which the tests check.
#pragma once

#include <cstdint>
#include <vector>

#include "finai/models/gbdt/model.hpp"

namespace finai::gbdt {

class BinnedForest {
 public:
  static constexpr int kMaxDepth = 8;  // deeper trees (and trees with categorical splits) are walked as they are

  explicit BinnedForest(const GbdtModel& model);

  bool covers(std::size_t tree) const { return depth_[tree] >= 0; }
  // Rank slots per row: two per feature, one for the splits that send a missing value left, one for the others.
  int slots() const { return 2 * features_; }
  // Ranks of `count` rows (row-major, one value per model feature) into out (count x slots()).
  void RankRows(const double* rows, std::int64_t count, std::uint16_t* out) const;
  // Adds tree t's leaf value for each of `count` ranked rows to out[r * out_stride] (t must be covered).
  void AddTree(std::size_t t, const std::uint16_t* ranks, std::size_t count, double* out,
               std::size_t out_stride) const;

 private:
  struct Node {
    std::uint16_t slot;  // rank slot to read
    std::uint16_t k;     // go left when rank <= k
  };
  static constexpr std::uint16_t kMissingRight = 0xFFFF;  // rank of a missing value in the "default right" slot

  void Fill(const Tree& tree, int src, std::size_t heap, int level, int depth, std::size_t node_base,
            std::size_t leaf_base);

  int features_ = 0;
  bool less_ = false;     // XGBoost's x < t
  bool float32_ = false;  // values compared as float32
  std::vector<std::vector<double>> thresholds_;  // per feature, ascending, as compared
  std::vector<Node> nodes_;
  std::vector<double> leaves_;
  std::vector<std::size_t> node_base_, leaf_base_;
  std::vector<int> depth_;  // per tree: depth of its perfect form, -1 when not covered
};

}  // namespace finai::gbdt
