#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "finai/core/parallel.hpp"
#include "profile_internal.hpp"

namespace finai::profile {

std::int64_t CountDuplicateRows(const Frame& frame) {
  // A 64-bit hash of each row's values; two different rows share a hash with probability ~n^2 / 2^65,
  // negligible for any table that fits in memory.
  std::unordered_set<std::uint64_t> seen;
  seen.reserve(static_cast<std::size_t>(frame.num_rows()));
  std::int64_t duplicates = 0;
  XXH3_state_t* state = XXH3_createState();
  for (std::int64_t r = 0; r < frame.num_rows(); ++r) {
    XXH3_64bits_reset(state);
    for (const Column& c : frame.columns()) {
      const bool missing = c.IsMissing(r);
      XXH3_64bits_update(state, &missing, sizeof missing);
      if (missing) continue;
      if (c.type() == ColumnType::kString) {
        const std::string& s = c.strings()[static_cast<std::size_t>(r)];
        const std::uint64_t len = s.size();
        XXH3_64bits_update(state, &len, sizeof len);
        XXH3_64bits_update(state, s.data(), s.size());
      } else {
        const double v = c.NumericValue(r);
        XXH3_64bits_update(state, &v, sizeof v);
      }
    }
    if (!seen.insert(XXH3_64bits_digest(state)).second) ++duplicates;
  }
  XXH3_freeState(state);
  return duplicates;
}

std::vector<CorrelationPair> NumericCorrelations(const Frame& frame, const Context& ctx) {
  std::vector<const Column*> numeric;
  for (const Column& c : frame.columns()) {
    if (c.is_numeric()) numeric.push_back(&c);
  }
  std::vector<std::vector<double>> values;
  for (const Column* c : numeric) values.push_back(c->ToFloat64());
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t a = 0; a < numeric.size(); ++a) {
    for (std::size_t b = a + 1; b < numeric.size(); ++b) pairs.emplace_back(a, b);
  }
  std::vector<CorrelationPair> out(pairs.size());
  ParallelFor(ctx, 0, static_cast<std::int64_t>(pairs.size()), [&](std::int64_t k) {
    const auto [a, b] = pairs[static_cast<std::size_t>(k)];
    const auto& x = values[a];
    const auto& y = values[b];
    // Two passes over the rows where both are present: means first, then centred sums (stable).
    long double sx = 0, sy = 0;
    std::int64_t n = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(x[i]) || std::isnan(y[i])) continue;
      sx += x[i];
      sy += y[i];
      ++n;
    }
    CorrelationPair& p = out[static_cast<std::size_t>(k)];
    p.a = numeric[a]->name();
    p.b = numeric[b]->name();
    p.rows = n;
    p.pearson = std::nan("");
    if (n < 3) return;
    const long double mx = sx / n, my = sy / n;
    long double sxx = 0, syy = 0, sxy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(x[i]) || std::isnan(y[i])) continue;
      const long double dx = x[i] - mx, dy = y[i] - my;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    if (sxx > 0 && syy > 0) p.pearson = static_cast<double>(sxy / std::sqrt(sxx * syy));
  });
  std::erase_if(out, [](const CorrelationPair& p) { return std::isnan(p.pearson); });
  std::stable_sort(out.begin(), out.end(),
                   [](const CorrelationPair& l, const CorrelationPair& r) { return std::fabs(l.pearson) > std::fabs(r.pearson); });
  if (out.size() > 20) out.resize(20);
  return out;
}

}  // namespace finai::profile
