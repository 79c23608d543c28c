// GrownTree::AddLeafValues (src/models/gbdt/tree_grower.cpp), which adds each new tree to the training
// margins: it must add every leaf's value to exactly its rows, whatever the block size and threads.
#include <gtest/gtest.h>

#include "finai/core/random.hpp"
#include "models/gbdt/tree_grower.hpp"

namespace finai::gbdt {
namespace {

TEST(GbdtGrownTree, AddLeafValuesAddsEachLeafToExactlyItsRows) {
  Rng rng(7);
  const std::int64_t n = 5003;
  const int leaves = 6;
  const int stride = 3;  // three classes: the values go to class 1
  // A root and six leaves; the rows of a 70% sample, grouped by leaf, each leaf's in increasing order.
  GrownTree tree;
  tree.nodes.resize(1 + leaves);
  tree.nodes[0].left = 1;
  tree.nodes[0].right = 2;
  std::vector<int> leaf_of(static_cast<std::size_t>(n), -1);
  for (std::int64_t r = 0; r < n; ++r) {
    if (rng.Uniform() < 0.7) leaf_of[static_cast<std::size_t>(r)] = 1 + static_cast<int>(rng.Below(leaves));
  }
  for (int leaf = 1; leaf <= leaves; ++leaf) {
    tree.nodes[static_cast<std::size_t>(leaf)].begin = static_cast<std::int64_t>(tree.rows.size());
    for (std::int64_t r = 0; r < n; ++r) {
      if (leaf_of[static_cast<std::size_t>(r)] == leaf) tree.rows.push_back(static_cast<std::int32_t>(r));
    }
    tree.nodes[static_cast<std::size_t>(leaf)].end = static_cast<std::int64_t>(tree.rows.size());
  }
  std::vector<double> values(tree.nodes.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.25 * static_cast<double>(i) - 0.6;
  std::vector<double> start(static_cast<std::size_t>(n * stride));
  for (double& m : start) m = rng.Uniform();

  std::vector<double> expected = start;
  for (std::int64_t r = 0; r < n; ++r) {
    const int leaf = leaf_of[static_cast<std::size_t>(r)];
    if (leaf >= 0) expected[static_cast<std::size_t>(r * stride + 1)] += values[static_cast<std::size_t>(leaf)];
  }
  for (const int threads : {1, 2}) {
    for (const std::int64_t block : {std::int64_t{1}, std::int64_t{64}, std::int64_t{1000}, std::int64_t{65536}}) {
      Context ctx;
      ctx.set_threads(threads);
      std::vector<double> margins = start;
      tree.AddLeafValues(values, n, stride, margins.data() + 1, ctx, block);
      ASSERT_EQ(margins, expected) << threads << " threads, blocks of " << block;
    }
  }
}

}  // namespace
}  // namespace finai::gbdt
