#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "profile_internal.hpp"

namespace finai::profile {

namespace {
// Quantile by linear interpolation between order statistics (numpy's default, "type 7").
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

NumericSummary Summarise(const std::vector<double>& sorted) {
  NumericSummary s;
  s.min = sorted.front();
  s.max = sorted.back();
  // Two passes (mean, then squared deviations) in long double: stable for large offsets.
  long double sum = 0;
  for (double v : sorted) sum += v;
  const long double mean = sum / static_cast<long double>(sorted.size());
  long double ss = 0;
  for (double v : sorted) ss += (v - mean) * (v - mean);
  s.mean = static_cast<double>(mean);
  s.std_dev = sorted.size() > 1 ? static_cast<double>(std::sqrt(ss / static_cast<long double>(sorted.size() - 1))) : 0;
  s.p01 = Quantile(sorted, 0.01);
  s.p05 = Quantile(sorted, 0.05);
  s.p25 = Quantile(sorted, 0.25);
  s.p50 = Quantile(sorted, 0.50);
  s.p75 = Quantile(sorted, 0.75);
  s.p95 = Quantile(sorted, 0.95);
  s.p99 = Quantile(sorted, 0.99);
  return s;
}

std::vector<CategoryShare> TopValues(std::vector<std::pair<std::string, std::int64_t>> counts, std::int64_t rows,
                                     int top) {
  // Most frequent first; ties in text order so that the listing is deterministic.
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<CategoryShare> out;
  for (std::size_t i = 0; i < counts.size() && static_cast<int>(i) < top; ++i) {
    out.push_back({counts[i].first, counts[i].second,
                   static_cast<double>(counts[i].second) / static_cast<double>(std::max<std::int64_t>(rows, 1))});
  }
  return out;
}
}  // namespace

ColumnProfile DescribeColumn(const Column& column, int top_categories) {
  ColumnProfile p;
  p.name = column.name();
  p.type = std::string(ColumnTypeName(column.type()));
  const std::int64_t rows = column.size();
  p.missing = column.CountMissing();
  p.missing_share = rows > 0 ? static_cast<double>(p.missing) / static_cast<double>(rows) : 0;
  switch (column.type()) {
    case ColumnType::kFloat64:
    case ColumnType::kFloat32:
    case ColumnType::kDateTime: {
      std::vector<double> values;
      values.reserve(static_cast<std::size_t>(rows - p.missing));
      for (std::int64_t i = 0; i < rows; ++i) {
        if (!column.IsMissing(i)) values.push_back(column.NumericValue(i));
      }
      std::sort(values.begin(), values.end());
      for (std::size_t i = 0; i < values.size(); ++i) p.distinct += (i == 0 || values[i] != values[i - 1]) ? 1 : 0;
      if (!values.empty()) p.numeric = Summarise(values);
      break;
    }
    case ColumnType::kCategorical: {
      std::vector<std::int64_t> counts(column.dictionary().size(), 0);
      for (std::int32_t code : column.codes()) {
        if (code != kMissingCode) ++counts[static_cast<std::size_t>(code)];
      }
      std::vector<std::pair<std::string, std::int64_t>> pairs;
      for (std::size_t k = 0; k < counts.size(); ++k) {
        if (counts[k] > 0) pairs.emplace_back(column.dictionary()[k], counts[k]);
      }
      p.distinct = static_cast<std::int64_t>(pairs.size());
      p.top = TopValues(std::move(pairs), rows, top_categories);
      break;
    }
    case ColumnType::kString: {
      std::unordered_map<std::string_view, std::int64_t> counts;
      for (std::int64_t i = 0; i < rows; ++i) {
        if (!column.IsMissing(i)) ++counts[column.strings()[static_cast<std::size_t>(i)]];
      }
      p.distinct = static_cast<std::int64_t>(counts.size());
      std::vector<std::pair<std::string, std::int64_t>> pairs;
      for (const auto& [value, count] : counts) pairs.emplace_back(std::string(value), count);
      p.top = TopValues(std::move(pairs), rows, top_categories);
      break;
    }
  }
  return p;
}

}  // namespace finai::profile
