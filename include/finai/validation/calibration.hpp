// Recalibration of a PD model: shift the intercept to a target central tendency, Platt scaling (a logistic
// fit of outcomes on the score) and isotonic regression (pool adjacent violators).
#pragma once

#include <span>
#include <vector>

namespace finai::validation {

double Logit(double p);    // ln(p / (1 - p)); +-inf at 1 and 0
double Sigmoid(double x);  // 1 / (1 + e^-x), computed without overflow

struct InterceptShift {
  double shift = 0;          // added to every logit score
  double mean_pd_before = 0;
  double mean_pd_after = 0;  // equals the target to about 1e-12
  int iterations = 0;
};

// Finds c with mean(Sigmoid(logit_i + c)) = target_mean_pd, target in (0, 1), logits finite. The mean is
// increasing in c, so Newton's step is kept inside a bracket that bisection shrinks: always converges.
InterceptShift SolveInterceptShift(std::span<const double> logits, double target_mean_pd);
std::vector<double> ApplyInterceptShift(std::span<const double> logits, double shift);  // the new PDs

struct PlattScaling {
  double slope = 0;  // P(event | s) = Sigmoid(slope * s + intercept)
  double intercept = 0;
  double log_likelihood = 0;
  int iterations = 0;
  double Predict(double score) const { return Sigmoid(slope * score + intercept); }
};

// Maximum-likelihood logistic regression of the 0/1 labels on one score (no penalty, no target smoothing):
// Newton-Raphson with step halving. Needs both classes; InvalidData when they are perfectly separated by the
// score (the slope would be infinite).
PlattScaling FitPlatt(std::span<const double> labels, std::span<const double> scores);

struct IsotonicFit {
  std::vector<double> x;  // distinct scores, increasing
  std::vector<double> y;  // fitted non-decreasing value at each
  // Linear interpolation between the points; clipped to the end values outside them (as scikit-learn's
  // IsotonicRegression(out_of_bounds="clip")).
  double Predict(double score) const;
};

// Weighted least-squares non-decreasing fit of targets (labels, or any values) on scores. Tied scores are
// first pooled into their weighted mean, then adjacent violators are pooled. Weights empty = all 1.
IsotonicFit FitIsotonic(std::span<const double> scores, std::span<const double> targets,
                        std::span<const double> weights = {});

}  // namespace finai::validation
