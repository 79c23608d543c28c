// What the market-risk files share: input checks with the messages users see, and the empirical tail
// (quantile and tail mean) of an already sorted sample.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "finai/risk/var.hpp"

namespace finai::risk::market_detail {

// InvalidArgument "<name> <p> is not strictly between 0 and 1" unless 0 < p < 1.
void RequireProbability(double p, std::string_view name);
// InvalidArgument when fewer than `minimum` returns are given; InvalidData naming the first index whose
// value is not finite.
void RequireReturns(std::span<const double> returns, std::size_t minimum, std::string_view purpose);
// InvalidData naming the first index of `values` that is not finite ("<what> at index i ...", column <field>).
void RequireFinite(std::span<const double> values, std::string_view what, std::string_view field);

double Mean(std::span<const double> values);
// Sample standard deviation (divisor n - 1) around `mean`.
double SampleSd(std::span<const double> values, double mean);

// The 1-based order statistic R's quantile(type = 1) returns for n values at level p.
std::int64_t InverseCdfIndex(std::int64_t n, double p);
// Quantile and tail mean of `sorted` (ascending), as EmpiricalQuantile and EmpiricalTailMean define them.
double SortedQuantile(std::span<const double> sorted, double p, QuantileRule rule);
double SortedTailMean(std::span<const double> sorted, double p);
// VaR, ES and VaR at the ES level of an empirical loss distribution; sorts `losses` in place.
TailRisk EmpiricalTailRisk(std::vector<double>& losses, const RiskLevels& levels, QuantileRule rule);

}  // namespace finai::risk::market_detail
