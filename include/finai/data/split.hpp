// Train/test splits and cross-validation folds. Every split returns row indices in ascending order and is
// a pure function of its inputs and seed: shuffles use std::mt19937_64 (fully specified by the standard)
// with our own Fisher–Yates and bounded draws, because std::shuffle and std::uniform_int_distribution
// differ between standard libraries and an auditor must be able to re-create a split anywhere.
//
// Classes and groups are the distinct non-missing values of a column: categories (by text, so the
// dictionary order does not matter), numbers, strings or datetimes. They are processed in ascending
// order of value (text in byte order), which fixes how the random stream is consumed.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "finai/data/column.hpp"

namespace finai {

struct TrainTest {
  std::vector<std::int64_t> train;
  std::vector<std::int64_t> test;
};

// A random split keeping each class's share in both parts: class c, with n_c rows, puts floor or ceil of
// test_fraction * n_c rows in test, the total being round(test_fraction * n) (largest remainders decide).
// InvalidArgument for test_fraction outside (0, 1) or a split leaving either part empty; InvalidData for
// a missing target value (naming the first such row).
TrainTest StratifiedSplit(const Column& target, double test_fraction, std::uint64_t seed);

// k folds; fold i's test rows are its share of every class (each class split as evenly as possible, and
// fold sizes differing by at most one), its train rows all the others. InvalidArgument for k < 2 or a
// class with fewer than k rows (a fold would miss that class); InvalidData for a missing target value.
std::vector<TrainTest> StratifiedKFold(const Column& target, int k, std::uint64_t seed);

// Rows whose time is at or after the cutoff go to test, the others to train. time_column is datetime
// (cutoff in seconds since 1970-01-01 UTC) or numeric. InvalidData for a missing time (naming the first
// such row); InvalidArgument when a part would be empty.
TrainTest OutOfTimeSplitAt(const Column& time_column, double cutoff);
// The same with the cutoff as text: a date/time ("2023-07-01") for datetime columns, a number otherwise.
TrainTest OutOfTimeSplitAt(const Column& time_column, std::string_view cutoff);
// The cutoff is the time of the row at position n - round(test_fraction * n) in time order, so the latest
// test_fraction of rows (more when rows tie at the cutoff) go to test.
TrainTest OutOfTimeSplitFraction(const Column& time_column, double test_fraction);

// A random split in which every group lies wholly in train or wholly in test. Groups are shuffled and
// taken into test until it holds about test_fraction of the rows (the last group is taken only if that
// brings the count closer). InvalidArgument for fewer than 2 groups or test_fraction outside (0, 1);
// InvalidData for a missing group value.
TrainTest GroupSplit(const Column& group_column, double test_fraction, std::uint64_t seed);

// k folds with no group in two folds: groups, in a seeded random order, are dealt largest first to the
// fold with the fewest rows so far (ties to the lowest fold). InvalidArgument for k < 2 or fewer groups
// than folds.
std::vector<TrainTest> GroupKFold(const Column& group_column, int k, std::uint64_t seed);

// A uniformly distributed integer in [0, bound) by rejection (no modulo bias); the same on every platform.
// InvalidArgument for bound 0.
std::uint64_t UniformBelow(std::mt19937_64& rng, std::uint64_t bound);
// Fisher–Yates shuffle drawing with UniformBelow: a portable replacement for std::shuffle.
void Shuffle(std::span<std::int64_t> values, std::mt19937_64& rng);

}  // namespace finai
