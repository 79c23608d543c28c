// Grows one tree on binned data: depth-wise (level by level, as XGBoost's default) or leaf-wise (always the
// leaf with the largest gain, as LightGBM), with histogram subtraction (only the smaller child's histogram
// is built; the larger one is the parent's minus it) and rows kept partitioned by leaf.
#pragma once

#include <cstdint>
#include <vector>

#include "split_finder.hpp"

namespace finai::gbdt {

struct BinNode {
  std::int32_t left = -1;
  std::int32_t right = -1;
  int feature = -1;
  bool categorical = false;
  int threshold_bin = -1;
  std::vector<std::uint8_t> left_bins;
  bool default_left = true;
  double value = 0;  // before the learning rate
  double cover = 0;  // sum of hessians
  double gain = 0;
  std::int64_t begin = 0, end = 0;  // leaf: its rows in GrownTree::rows

  bool is_leaf() const { return left < 0; }
  bool GoesLeft(std::uint8_t code, const FeatureMeta& meta) const {
    if (code == meta.missing_bin) return default_left;
    return categorical ? left_bins[code] != 0 : code <= threshold_bin;
  }
};

struct GrownTree {
  std::vector<BinNode> nodes;
  std::vector<std::int32_t> rows;  // the sampled rows, grouped by leaf

  // The leaf a row of binned codes falls into.
  int LeafOf(const std::uint8_t* codes, const std::vector<FeatureMeta>& meta) const;

  // Adds leaf_values[leaf] to out[row * stride] for every row of every leaf (out holds num_rows * stride
  // values; stride and an offset into out select one class of a row-major margin matrix). Rows are
  // taken in blocks of block_rows, on ctx's threads.
  void AddLeafValues(const std::vector<double>& leaf_values, std::int64_t num_rows, int stride, double* out,
                     const Context& ctx, std::int64_t block_rows = 65536) const;
};

// Histograms the grower reuses from tree to tree (the trainer keeps them): each is allocated once, not
// once per node, and its pages are not faulted in again.
struct GrowerWorkspace {
  std::vector<Histogram> free_histograms;
};

struct GrowerConfig {
  const TrainingData* data;
  const GbdtParams* params;
  std::vector<char> tree_features;                  // column sample of this tree
  const std::vector<std::vector<char>>* interaction_groups;  // empty: no constraints
};

GrownTree GrowTree(const GrowerConfig& config, std::vector<std::int32_t> rows, const RowGradients& grads,
                   GrowerWorkspace& workspace, const Context& ctx);

}  // namespace finai::gbdt
