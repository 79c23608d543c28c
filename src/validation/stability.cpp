// PSI / CSI between a reference and an actual sample, and the Herfindahl concentration of rating grades.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "finai/core/error.hpp"
#include "finai/validation/stability.hpp"
#include "validation/checks.hpp"
#include "validation/quantiles.hpp"

namespace finai::validation {

namespace {

void FillShares(StabilityIndex& index) {
  std::int64_t ref_total = 0, act_total = 0;
  for (const auto& b : index.bins) {
    ref_total += b.reference_count;
    act_total += b.actual_count;
  }
  index.value = 0;
  for (auto& b : index.bins) {
    b.reference_share = static_cast<double>(b.reference_count) / static_cast<double>(ref_total);
    b.actual_share = static_cast<double>(b.actual_count) / static_cast<double>(act_total);
    const double r = std::max(b.reference_share, kPsiShareFloor);
    const double a = std::max(b.actual_share, kPsiShareFloor);
    b.contribution = (a - r) * std::log(a / r);
    index.value += b.contribution;
  }
}

void RequireRows(std::string_view name, std::size_t rows) {
  if (rows == 0) {
    throw InvalidArgument("PopulationStability: no rows", {.field = std::string(name), .field_kind = "argument",
                                                           .expected = "at least one non-missing value"});
  }
}

}  // namespace

StabilityIndex PopulationStability(std::span<const double> reference, std::span<const double> actual, int bins) {
  if (bins < 2) {
    throw InvalidArgument("PopulationStability", {.field = "bins", .field_kind = "argument",
                                                  .value = std::to_string(bins), .expected = "at least 2"});
  }
  std::vector<double> sorted;
  for (double v : reference) {
    if (!std::isnan(v)) sorted.push_back(v);
  }
  RequireRows("reference", sorted.size());
  const bool actual_has_value =
      std::any_of(actual.begin(), actual.end(), [](double v) { return !std::isnan(v); });
  RequireRows("actual", actual_has_value ? 1 : 0);
  std::sort(sorted.begin(), sorted.end());
  // Interior cut points only: the outer bins reach to -inf and +inf so that new extremes still have a bin.
  const std::vector<double> breaks = detail::UniqueQuantileBreaks(sorted, bins);
  std::vector<double> cuts;
  for (std::size_t k = 1; k + 1 < breaks.size(); ++k) cuts.push_back(breaks[k]);
  StabilityIndex index;
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k <= cuts.size(); ++k) {
    StabilityBin b;
    b.lower = k == 0 ? -inf : cuts[k - 1];
    b.upper = k == cuts.size() ? inf : cuts[k];
    b.label = fmt::format("({:.6g}, {:.6g}]", b.lower, b.upper);
    index.bins.push_back(b);
  }
  StabilityBin missing{.label = "missing", .lower = std::nan(""), .upper = std::nan("")};
  auto count = [&](std::span<const double> values, bool reference_side) {
    for (double v : values) {
      StabilityBin* bin = &missing;
      if (!std::isnan(v)) {
        bin = &index.bins[static_cast<std::size_t>(std::lower_bound(cuts.begin(), cuts.end(), v) - cuts.begin())];
      }
      (reference_side ? bin->reference_count : bin->actual_count) += 1;
    }
  };
  count(reference, true);
  count(actual, false);
  if (missing.reference_count > 0 || missing.actual_count > 0) index.bins.push_back(missing);
  FillShares(index);
  return index;
}

StabilityIndex PopulationStability(std::span<const std::string> reference, std::span<const std::string> actual) {
  RequireRows("reference", reference.size());
  RequireRows("actual", actual.size());
  StabilityIndex index;
  std::map<std::string, std::size_t> position;
  auto count = [&](std::span<const std::string> values, bool reference_side) {
    for (const auto& v : values) {
      auto [it, added] = position.try_emplace(v, index.bins.size());
      if (added) index.bins.push_back(StabilityBin{.label = v, .lower = std::nan(""), .upper = std::nan("")});
      (reference_side ? index.bins[it->second].reference_count : index.bins[it->second].actual_count) += 1;
    }
  };
  count(reference, true);
  count(actual, false);
  FillShares(index);
  return index;
}

const char* StabilityVerdict(double index) {
  if (index < 0.10) return "stable";
  if (index < 0.25) return "moderate shift";
  return "significant shift";
}

Concentration HerfindahlIndex(std::span<const double> counts) {
  if (counts.size() < 2) {
    throw InvalidArgument("HerfindahlIndex", {.field = "counts", .field_kind = "argument",
                                              .value = std::to_string(counts.size()) + " grades",
                                              .expected = "at least 2 grades"});
  }
  detail::CheckValues("HerfindahlIndex", "counts", counts, detail::Rule::kFinite);
  double total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] < 0) {
      throw InvalidArgument(fmt::format("HerfindahlIndex: row {}", i + 1),
                            {.field = "counts", .field_kind = "argument", .value = fmt::format("{}", counts[i]),
                             .expected = "a count >= 0"});
    }
    total += counts[i];
  }
  if (total <= 0) {
    throw InvalidArgument("HerfindahlIndex: every grade is empty",
                          {.field = "counts", .field_kind = "argument", .expected = "a positive total"});
  }
  Concentration c;
  c.grades = static_cast<int>(counts.size());
  for (double n : counts) c.hhi += (n / total) * (n / total);
  const double k = static_cast<double>(counts.size());
  c.normalised = (c.hhi - 1.0 / k) / (1.0 - 1.0 / k);
  c.ecb = 1.0 + std::log(c.hhi) / std::log(k);
  return c;
}

}  // namespace finai::validation
