// The confusion matrix at one decision threshold and the rates read from it.
#include <fmt/format.h>

#include <cmath>

#include "finai/core/error.hpp"
#include "finai/metrics/metrics.hpp"
#include "metrics/metrics_internal.hpp"

namespace finai::metrics {
namespace {

// zero_division=0: a rate nobody can observe (no predicted events, no actual events) is reported as 0 rather
// than NaN, so that reports and JSON stay numeric; callers who care check the counts.
double Ratio(double numerator, double denominator) { return denominator == 0 ? 0.0 : numerator / denominator; }

}  // namespace

double ConfusionMatrix::Precision() const { return Ratio(tp, tp + fp); }
double ConfusionMatrix::Recall() const { return Ratio(tp, tp + fn); }
// The count form equals 2PR / (P + R) but needs no zero test on P + R and rounds once less.
double ConfusionMatrix::F1() const { return Ratio(2 * tp, 2 * tp + fp + fn); }
double ConfusionMatrix::Accuracy() const { return Ratio(tp + tn, Total()); }
double ConfusionMatrix::Specificity() const { return Ratio(tn, tn + fp); }

ConfusionMatrix AtThreshold(std::span<const double> labels, std::span<const double> scores, double threshold,
                            std::span<const double> weights) {
  if (std::isnan(threshold)) {
    throw InvalidArgument("AtThreshold needs a threshold that is not NaN",
                          {.field = "threshold", .value = "nan", .expected = "a number"});
  }
  detail::CheckInputs("AtThreshold", "labels", labels, detail::ValueRule::kBinaryLabel, "scores", scores,
                      detail::ValueRule::kNotNan, weights);
  detail::CompensatedSum tp;
  detail::CompensatedSum fp;
  detail::CompensatedSum tn;
  detail::CompensatedSum fn;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double weight = detail::WeightAt(weights, i);
    const bool predicted = scores[i] >= threshold;
    const bool actual = labels[i] == 1.0;
    (predicted ? (actual ? tp : fp) : (actual ? fn : tn)).Add(weight);
  }
  detail::CheckPositiveTotalWeight("AtThreshold", tp.Value() + fp.Value() + tn.Value() + fn.Value());
  return {.tp = tp.Value(), .fp = fp.Value(), .tn = tn.Value(), .fn = fn.Value()};
}

}  // namespace finai::metrics
