#include "finai/data/split.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "finai/core/check.hpp"
#include "finai/core/error.hpp"
#include "finai/data/datetime.hpp"

namespace finai {

std::uint64_t UniformBelow(std::mt19937_64& rng, std::uint64_t bound) {
  if (bound == 0) throw InvalidArgument("UniformBelow needs a positive bound", {.field = "bound", .field_kind = "argument", .value = "0"});
  // Reject the lowest 2^64 mod bound outcomes so that every residue is equally likely.
  const std::uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    const std::uint64_t x = rng();
    if (x >= threshold) return x % bound;
  }
}

void Shuffle(std::span<std::int64_t> values, std::mt19937_64& rng) {
  for (std::size_t i = values.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(UniformBelow(rng, i));
    std::swap(values[i - 1], values[j]);
  }
}

namespace {

// Rows partitioned by the distinct values of a column; class ids follow ascending value order.
struct Classes {
  std::vector<std::vector<std::int64_t>> rows;  // per class, ascending
  std::int64_t num_rows = 0;

  std::size_t size() const { return rows.size(); }
};

[[noreturn]] void ThrowMissing(const Column& column, std::string_view role, std::int64_t row) {
  throw InvalidData(fmt::format("the {} column has a missing value at row {} (rows count from 0)", role, row),
                    {.field = column.name(), .expected = fmt::format("a {} value on every row", role)});
}

template <typename T>
std::vector<std::int32_t> RankValues(const std::vector<T>& values) {
  std::vector<T> distinct = values;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<std::int32_t> ranks(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    ranks[i] =
        static_cast<std::int32_t>(std::lower_bound(distinct.begin(), distinct.end(), values[i]) - distinct.begin());
  }
  return ranks;
}

Classes GroupRows(const Column& column, std::string_view role) {
  const std::int64_t n = column.size();
  for (std::int64_t row = 0; row < n; ++row) {
    if (column.IsMissing(row)) ThrowMissing(column, role, row);
  }
  std::vector<std::int32_t> ids;
  switch (column.type()) {
    case ColumnType::kFloat64:
    case ColumnType::kFloat32:
    case ColumnType::kDateTime: {
      std::vector<double> values(static_cast<std::size_t>(n));
      for (std::int64_t row = 0; row < n; ++row) values[static_cast<std::size_t>(row)] = column.NumericValue(row);
      ids = RankValues(values);
      break;
    }
    case ColumnType::kString: {
      std::vector<std::string_view> values(column.strings().begin(), column.strings().end());
      ids = RankValues(values);
      break;
    }
    case ColumnType::kCategorical: {
      // By text, not by code: two frames with the same data and different dictionaries split alike.
      const auto& dictionary = column.dictionary();
      std::vector<std::string_view> values(static_cast<std::size_t>(n));
      for (std::int64_t row = 0; row < n; ++row) {
        values[static_cast<std::size_t>(row)] = dictionary[static_cast<std::size_t>(column.codes()[row])];
      }
      ids = RankValues(values);
      break;
    }
  }
  Classes classes;
  classes.num_rows = n;
  for (std::int64_t row = 0; row < n; ++row) {
    const auto id = static_cast<std::size_t>(ids[static_cast<std::size_t>(row)]);
    if (id >= classes.rows.size()) classes.rows.resize(id + 1);
    classes.rows[id].push_back(row);
  }
  return classes;
}

void RequireFraction(double test_fraction) {
  if (!(test_fraction > 0 && test_fraction < 1)) {
    throw InvalidArgument("test fraction out of range", {.field = "test_fraction", .field_kind = "argument",
                                                         .value = fmt::format("{}", test_fraction),
                                                         .expected = "a number strictly between 0 and 1"});
  }
}

// round(test_fraction * n), required to leave both parts non-empty.
std::int64_t TestCount(double test_fraction, std::int64_t n) {
  const auto count = static_cast<std::int64_t>(std::llround(test_fraction * static_cast<double>(n)));
  if (count < 1 || count > n - 1) {
    throw InvalidArgument(fmt::format("a test fraction of {} of {} rows leaves {} empty", test_fraction, n,
                                      count < 1 ? "the test part" : "the train part"),
                          {.field = "test_fraction", .field_kind = "argument",
                           .value = fmt::format("{}", test_fraction),
                           .expected = n < 2 ? std::string("at least 2 rows")
                                             : fmt::format("a fraction giving 1 to {} test rows", n - 1)});
  }
  return count;
}

void RequireFolds(int k) {
  if (k < 2) {
    throw InvalidArgument("too few folds", {.field = "k", .field_kind = "argument", .value = std::to_string(k), .expected = "k >= 2"});
  }
}

TrainTest FromTestFlags(const std::vector<std::uint8_t>& in_test) {
  TrainTest split;
  for (std::size_t row = 0; row < in_test.size(); ++row) {
    (in_test[row] ? split.test : split.train).push_back(static_cast<std::int64_t>(row));
  }
  return split;
}

std::vector<TrainTest> FromFolds(const std::vector<int>& fold_of_row, int k) {
  std::vector<TrainTest> folds(static_cast<std::size_t>(k));
  for (std::size_t row = 0; row < fold_of_row.size(); ++row) {
    for (int f = 0; f < k; ++f) {
      auto& part =
          f == fold_of_row[row] ? folds[static_cast<std::size_t>(f)].test : folds[static_cast<std::size_t>(f)].train;
      part.push_back(static_cast<std::int64_t>(row));
    }
  }
  return folds;
}

}  // namespace

TrainTest StratifiedSplit(const Column& target, double test_fraction, std::uint64_t seed) {
  RequireFraction(test_fraction);
  Classes classes = GroupRows(target, "target");
  const std::int64_t test_total = TestCount(test_fraction, classes.num_rows);
  // Each class gets the floor of its share; the rows still missing from the total go to the classes with
  // the largest remainders (ties: the lower class), so every class is within one row of its share.
  std::vector<std::int64_t> quota(classes.size());
  std::vector<double> remainder(classes.size());
  std::int64_t assigned = 0;
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const double share = test_fraction * static_cast<double>(classes.rows[c].size());
    quota[c] = static_cast<std::int64_t>(std::floor(share));
    remainder[c] = share - std::floor(share);
    assigned += quota[c];
  }
  std::vector<std::size_t> order(classes.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  const std::int64_t extra =
      std::clamp<std::int64_t>(test_total - assigned, 0, static_cast<std::int64_t>(order.size()));
  for (std::int64_t i = 0; i < extra; ++i) ++quota[order[static_cast<std::size_t>(i)]];

  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> in_test(static_cast<std::size_t>(classes.num_rows), 0);
  for (std::size_t c = 0; c < classes.size(); ++c) {
    std::vector<std::int64_t>& rows = classes.rows[c];
    Shuffle(rows, rng);
    for (std::int64_t i = 0; i < quota[c]; ++i)
      in_test[static_cast<std::size_t>(rows[static_cast<std::size_t>(i)])] = 1;
  }
  return FromTestFlags(in_test);
}

std::vector<TrainTest> StratifiedKFold(const Column& target, int k, std::uint64_t seed) {
  RequireFolds(k);
  Classes classes = GroupRows(target, "target");
  for (const auto& rows : classes.rows) {
    if (static_cast<std::int64_t>(rows.size()) < k) {
      throw InvalidArgument(
          fmt::format("class '{}' of the target has {} rows, fewer than the {} folds",
                      QuoteValue(target.ValueText(rows.front())), rows.size(), k),
          {.field = "k", .field_kind = "argument",
           .value = std::to_string(k),
           .expected = fmt::format("at most {} folds (the rows of the smallest class)", rows.size())});
    }
  }
  // Dealing each class's shuffled rows round-robin, continuing where the previous class stopped, spreads
  // every class evenly and keeps fold sizes within one row of each other.
  std::mt19937_64 rng(seed);
  std::vector<int> fold_of_row(static_cast<std::size_t>(classes.num_rows), 0);
  std::int64_t next = 0;
  for (auto& rows : classes.rows) {
    Shuffle(rows, rng);
    for (std::int64_t row : rows) {
      fold_of_row[static_cast<std::size_t>(row)] = static_cast<int>(next);
      next = (next + 1) % k;
    }
  }
  return FromFolds(fold_of_row, k);
}

namespace {

std::vector<double> TimeValues(const Column& time_column) {
  if (!time_column.is_numeric() && time_column.type() != ColumnType::kDateTime) {
    throw InvalidArgument("an out-of-time split needs a datetime or numeric time column",
                          {.field = time_column.name(),
                           .value = std::string(ColumnTypeName(time_column.type())),
                           .expected = "datetime, float64 or float32"});
  }
  std::vector<double> times(static_cast<std::size_t>(time_column.size()));
  for (std::int64_t row = 0; row < time_column.size(); ++row) {
    if (time_column.IsMissing(row)) ThrowMissing(time_column, "time", row);
    times[static_cast<std::size_t>(row)] = time_column.NumericValue(row);
  }
  return times;
}

std::string FormatTime(const Column& time_column, double t) {
  if (time_column.type() == ColumnType::kDateTime) return FormatDateTime(static_cast<std::int64_t>(t));
  return fmt::format("{}", t);
}

TrainTest SplitAtCutoff(const Column& time_column, const std::vector<double>& times, double cutoff) {
  std::vector<std::uint8_t> in_test(times.size());
  for (std::size_t row = 0; row < times.size(); ++row) in_test[row] = times[row] >= cutoff ? 1 : 0;
  TrainTest split = FromTestFlags(in_test);
  if (split.train.empty() || split.test.empty()) {
    const auto [lo, hi] = std::minmax_element(times.begin(), times.end());
    const std::string range = times.empty() ? std::string("no rows")
                                            : fmt::format("times run from {} to {}", FormatTime(time_column, *lo),
                                                          FormatTime(time_column, *hi));
    throw InvalidArgument(
        fmt::format("the cutoff leaves the {} part empty ({})", split.test.empty() ? "test" : "train", range),
        {.field = "cutoff", .field_kind = "argument",
         .value = FormatTime(time_column, cutoff),
         .expected = "a time after the earliest row and at or before the latest"});
  }
  return split;
}

}  // namespace

TrainTest OutOfTimeSplitAt(const Column& time_column, double cutoff) {
  if (std::isnan(cutoff)) {
    throw InvalidArgument("the cutoff is NaN", {.field = "cutoff", .field_kind = "argument", .value = "nan", .expected = "a time"});
  }
  const std::vector<double> times = TimeValues(time_column);
  return SplitAtCutoff(time_column, times, cutoff);
}

TrainTest OutOfTimeSplitAt(const Column& time_column, std::string_view cutoff) {
  if (time_column.type() == ColumnType::kDateTime) {
    const std::optional<std::int64_t> t = ParseDateTime(cutoff);
    if (!t) {
      throw InvalidArgument("the cutoff is not a date", {.field = "cutoff", .field_kind = "argument",
                                                         .value = QuoteValue(cutoff),
                                                         .expected = "YYYY-MM-DD, optionally followed by HH:MM[:SS]"});
    }
    return OutOfTimeSplitAt(time_column, static_cast<double>(*t));
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(cutoff.data(), cutoff.data() + cutoff.size(), value);
  if (ec != std::errc() || end != cutoff.data() + cutoff.size() || !std::isfinite(value)) {
    throw InvalidArgument("the cutoff is not a number",
                          {.field = "cutoff", .field_kind = "argument", .value = QuoteValue(cutoff), .expected = "a finite number"});
  }
  return OutOfTimeSplitAt(time_column, value);
}

TrainTest OutOfTimeSplitFraction(const Column& time_column, double test_fraction) {
  RequireFraction(test_fraction);
  const std::vector<double> times = TimeValues(time_column);
  const auto n = static_cast<std::int64_t>(times.size());
  const std::int64_t test_count = TestCount(test_fraction, n);
  std::vector<double> sorted = times;
  std::nth_element(sorted.begin(), sorted.begin() + (n - test_count), sorted.end());
  const double cutoff = sorted[static_cast<std::size_t>(n - test_count)];
  return SplitAtCutoff(time_column, times, cutoff);
}

TrainTest GroupSplit(const Column& group_column, double test_fraction, std::uint64_t seed) {
  RequireFraction(test_fraction);
  const Classes groups = GroupRows(group_column, "group");
  if (groups.size() < 2) {
    throw InvalidArgument("a group split needs at least 2 groups", {.field = group_column.name(),
                                                                    .value = std::to_string(groups.size()),
                                                                    .expected = "at least 2 distinct groups"});
  }
  std::vector<std::int64_t> order(groups.size());
  for (std::size_t g = 0; g < order.size(); ++g) order[g] = static_cast<std::int64_t>(g);
  std::mt19937_64 rng(seed);
  Shuffle(order, rng);
  const double target = test_fraction * static_cast<double>(groups.num_rows);
  std::vector<std::uint8_t> in_test(static_cast<std::size_t>(groups.num_rows), 0);
  std::int64_t test_rows = 0;
  // The last group in the order is never taken, so train keeps at least one group.
  for (std::size_t p = 0; p + 1 < order.size(); ++p) {
    const auto& rows = groups.rows[static_cast<std::size_t>(order[p])];
    const auto size = static_cast<std::int64_t>(rows.size());
    const double with = static_cast<double>(test_rows + size);
    bool take = test_rows == 0 || with <= target;
    const bool crossing = with >= target;
    if (!take && crossing) take = std::abs(with - target) < std::abs(static_cast<double>(test_rows) - target);
    if (take) {
      for (std::int64_t row : rows) in_test[static_cast<std::size_t>(row)] = 1;
      test_rows += size;
    }
    if (crossing) break;
  }
  return FromTestFlags(in_test);
}

std::vector<TrainTest> GroupKFold(const Column& group_column, int k, std::uint64_t seed) {
  RequireFolds(k);
  const Classes groups = GroupRows(group_column, "group");
  if (static_cast<std::int64_t>(groups.size()) < k) {
    throw InvalidArgument(fmt::format("{} groups cannot fill {} folds", groups.size(), k),
                          {.field = "k", .field_kind = "argument",
                           .value = std::to_string(k),
                           .expected = fmt::format("at most {} folds (the number of groups)", groups.size())});
  }
  std::vector<std::int64_t> order(groups.size());
  for (std::size_t g = 0; g < order.size(); ++g) order[g] = static_cast<std::int64_t>(g);
  std::mt19937_64 rng(seed);
  Shuffle(order, rng);
  // Largest first to the lightest fold balances fold sizes; the shuffle decides among equal sizes.
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return groups.rows[static_cast<std::size_t>(a)].size() > groups.rows[static_cast<std::size_t>(b)].size();
  });
  std::vector<std::int64_t> fold_rows(static_cast<std::size_t>(k), 0);
  std::vector<int> fold_of_row(static_cast<std::size_t>(groups.num_rows), 0);
  for (std::int64_t g : order) {
    const auto lightest = static_cast<int>(std::min_element(fold_rows.begin(), fold_rows.end()) - fold_rows.begin());
    const auto& rows = groups.rows[static_cast<std::size_t>(g)];
    for (std::int64_t row : rows) fold_of_row[static_cast<std::size_t>(row)] = lightest;
    fold_rows[static_cast<std::size_t>(lightest)] += static_cast<std::int64_t>(rows.size());
  }
  return FromFolds(fold_of_row, k);
}

}  // namespace finai
