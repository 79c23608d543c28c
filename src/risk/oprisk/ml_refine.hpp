// Newton refinement of a maximum found by MaximizeLikelihood.
//
// BOBYQA (derivative-free) stops when its trust region has shrunk, which on a curved ridge of the likelihood
// (GPD xi and beta, gamma shape and rate are strongly correlated) can be 1e-3 relative short of the maximum:
// fine for a risk number, not for matching R to 1e-6. Newton steps on a central-difference gradient and
// Hessian take the last digits quadratically (a few steps of 2n + 1 + 2n^2 evaluations), and the standard
// errors are then taken from the Hessian at the refined point.
#pragma once

#include <vector>

#include "finai/risk/mle.hpp"

namespace finai::risk::lda {

// Refines result.params within [lower, upper]; updates params, log_likelihood, std_errors and covariance (when
// standard errors are wanted). Never moves to a point with a lower log-likelihood.
void RefineMaximum(const LogLikelihood& loglik, const std::vector<double>& lower, const std::vector<double>& upper,
                   bool standard_errors, MleResult& result);

// MaximizeLikelihood followed by RefineMaximum.
MleResult MaximizeAndRefine(const LogLikelihood& loglik, std::vector<double> start, const std::vector<double>& lower,
                            const std::vector<double>& upper, bool standard_errors = true);

}  // namespace finai::risk::lda
