#include "finai/analytics/profile.hpp"

#include <fmt/format.h>

#include <cmath>

#include "finai/core/error.hpp"
#include "finai/core/parallel.hpp"
#include "profile_internal.hpp"

namespace finai {

void ProfileOptions::Validate() const {
  if (target_bins < 2 || target_bins > 100) {
    throw InvalidArgument("invalid number of target bins", {.field = "target_bins", .field_kind = "option", .value = std::to_string(target_bins),
                                                            .expected = "2 to 100"});
  }
  if (top_categories < 0) {
    throw InvalidArgument("invalid number of top categories",
                          {.field = "top_categories", .field_kind = "option", .value = std::to_string(top_categories), .expected = ">= 0"});
  }
  if (!(leakage_auc > 0.5 && leakage_auc <= 1)) {
    throw InvalidArgument("invalid leakage threshold", {.field = "leakage_auc", .field_kind = "option", .value = fmt::format("{}", leakage_auc),
                                                        .expected = "in (0.5, 1]"});
  }
}

namespace {
bool IsIntegerValued(const ColumnProfile& p) {
  return p.numeric && std::floor(p.numeric->min) == p.numeric->min && std::floor(p.numeric->max) == p.numeric->max;
}

void AddColumnWarnings(const ColumnProfile& p, std::int64_t rows, const ProfileOptions& options,
                       std::vector<DataWarning>& warnings) {
  const std::int64_t present = rows - p.missing;
  if (p.distinct <= 1) {
    warnings.push_back({"constant", p.name,
                        p.distinct == 0 ? "every value is missing" : "a single value in every non-missing row"});
  }
  if (p.missing_share > options.high_missing) {
    warnings.push_back({"high_missing", p.name, fmt::format("{:.1f}% of the values are missing", 100 * p.missing_share)});
  }
  // An identifier: (almost) every value distinct, and text or whole numbers (continuous amounts are often
  // all distinct without being identifiers).
  const bool text = p.type == "categorical" || p.type == "string";
  if (present >= 20 && p.distinct >= present * 95 / 100 && (text || (p.type != "datetime" && IsIntegerValued(p)))) {
    warnings.push_back({"id_like", p.name,
                        fmt::format("{} distinct values in {} rows: an identifier, not a feature?", p.distinct, present)});
  }
  if (p.auc && *p.auc > options.leakage_auc) {
    warnings.push_back({"leakage_suspect", p.name,
                        fmt::format("predicts the target alone with AUC {:.3f}: is it known before the decision?",
                                    *p.auc)});
  }
}
}  // namespace

DataProfile ProfileFrame(const Frame& frame, const std::string& source, const ProfileOptions& options,
                         const Context& ctx) {
  options.Validate();
  DataProfile out;
  out.source = source;
  out.rows = frame.num_rows();
  out.columns = frame.num_columns();
  std::optional<BinaryTarget> target;
  if (!options.target.empty()) {
    target = ResolveBinaryTarget(frame.column(options.target), options.event);
    out.target = options.target;
    out.event = target->event;
    std::int64_t known = 0;
    for (double v : target->labels) {
      if (std::isnan(v)) continue;
      ++known;
      out.events += v > 0.5 ? 1 : 0;
    }
    out.event_rate = known > 0 ? static_cast<double>(out.events) / static_cast<double>(known) : 0;
  }
  out.column_profiles.resize(static_cast<std::size_t>(frame.num_columns()));
  // Columns in parallel; each column's work is sequential, so results do not depend on the thread count.
  Context column_ctx = ctx;
  column_ctx.set_threads(1);
  ParallelFor(ctx, 0, frame.num_columns(), [&](std::int64_t c) {
    const Column& column = frame.column(c);
    ColumnProfile p = profile::DescribeColumn(column, options.top_categories);
    if (target && column.name() != options.target) {
      profile::AnalyseAgainstTarget(column, target->labels, options.target_bins, column_ctx, p);
    }
    out.column_profiles[static_cast<std::size_t>(c)] = std::move(p);
  });
  for (const auto& p : out.column_profiles) {
    if (p.name != options.target) AddColumnWarnings(p, out.rows, options, out.warnings);
  }
  out.duplicate_rows = profile::CountDuplicateRows(frame);
  if (out.duplicate_rows > 0) {
    out.warnings.push_back({"duplicate_rows", "",
                            fmt::format("{} rows repeat an earlier row in every column", out.duplicate_rows)});
  }
  out.correlations = profile::NumericCorrelations(frame, ctx);
  for (const auto& pair : out.correlations) {
    if (std::fabs(pair.pearson) >= options.high_correlation) {
      out.warnings.push_back({"high_correlation", pair.a + "," + pair.b,
                              fmt::format("'{}' and '{}' have Pearson r = {:.3f}", pair.a, pair.b, pair.pearson)});
    }
  }
  return out;
}

}  // namespace finai
