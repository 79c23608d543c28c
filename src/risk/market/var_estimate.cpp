// The single entry point over the methods (EstimateVarEs), and the parsing and validation of its settings.
#include <fmt/format.h>

#include <cmath>

#include "finai/core/error.hpp"
#include "risk/market/market_internal.hpp"

namespace finai::risk {

void RiskLevels::Validate() const {
  market_detail::RequireProbability(var_level, "VaR level");
  market_detail::RequireProbability(es_level, "ES level");
}

VarMethod ParseVarMethod(std::string_view name) {
  if (name == "hs") return VarMethod::kHistorical;
  if (name == "age-weighted") return VarMethod::kAgeWeighted;
  if (name == "fhs") return VarMethod::kFilteredHistorical;
  if (name == "normal") return VarMethod::kNormal;
  if (name == "t") return VarMethod::kStudentT;
  throw InvalidArgument(
      "unknown VaR method",
      {.field = "method", .value = std::string(name), .expected = "one of hs, age-weighted, fhs, normal, t"});
}

std::string_view VarMethodName(VarMethod method) {
  switch (method) {
    case VarMethod::kHistorical:
      return "hs";
    case VarMethod::kAgeWeighted:
      return "age-weighted";
    case VarMethod::kFilteredHistorical:
      return "fhs";
    case VarMethod::kNormal:
      return "normal";
    case VarMethod::kStudentT:
      return "t";
  }
  return "unknown";
}

void VarSpec::Validate() const {
  levels.Validate();
  if (method == VarMethod::kAgeWeighted && !(lambda > 0 && lambda <= 1)) {
    throw InvalidArgument(fmt::format("age-weighting decay lambda {} is outside (0, 1]", lambda),
                          {.expected = "0 < lambda <= 1, e.g. 0.98 (1 gives plain historical simulation)"});
  }
  if (method == VarMethod::kStudentT && dof != 0 && !(dof > 2 && std::isfinite(dof))) {
    throw InvalidArgument(fmt::format("degrees of freedom {} must be finite and greater than 2", dof),
                          {.expected = "nu > 2, or 0 to fit nu by maximum likelihood"});
  }
}

std::string DescribeVarSpec(const VarSpec& spec) {
  const std::string rule = spec.quantile == QuantileRule::kInverseCdf ? "R quantile type 1" : "R quantile type 7";
  switch (spec.method) {
    case VarMethod::kHistorical:
      return fmt::format("historical simulation ({})", rule);
    case VarMethod::kAgeWeighted:
      return fmt::format("age-weighted historical simulation (lambda {})", spec.lambda);
    case VarMethod::kFilteredHistorical:
      return fmt::format("filtered historical simulation on {} ({})", DescribeSpec(spec.garch), rule);
    case VarMethod::kNormal:
      return "parametric normal (sample mean and standard deviation)";
    case VarMethod::kStudentT:
      return spec.dof == 0 ? std::string("parametric Student t (sample mean and standard deviation, dof by ML)")
                           : fmt::format("parametric Student t (sample mean and standard deviation, dof {})", spec.dof);
  }
  return "unknown";
}

VarEstimate EstimateVarEs(std::span<const double> returns, const VarSpec& spec, const Context& ctx) {
  spec.Validate();
  VarEstimate out;
  out.model.window_begin = 0;
  out.model.window_end = static_cast<std::int64_t>(returns.size());
  switch (spec.method) {
    case VarMethod::kHistorical:
      out.risk = HistoricalVarEs(returns, spec.levels, spec.quantile);
      break;
    case VarMethod::kAgeWeighted:
      out.risk = AgeWeightedVarEs(returns, spec.levels, spec.lambda);
      break;
    case VarMethod::kFilteredHistorical: {
      const FilteredHistoricalResult fhs =
          FilteredHistoricalVarEs(returns, spec.garch, spec.levels, spec.quantile, ctx);
      out.risk = fhs.risk;
      out.model.location = fhs.fit.mu;
      out.model.scale = fhs.next_sd;
      out.model.garch_params = fhs.fit.estimates;
      break;
    }
    case VarMethod::kNormal:
    case VarMethod::kStudentT: {
      market_detail::RequireReturns(returns, 3, "a parametric VaR");
      out.model.location = market_detail::Mean(returns);
      out.model.scale = market_detail::SampleSd(returns, out.model.location);
      if (spec.method == VarMethod::kNormal) {
        out.risk = NormalVarEs(out.model.location, out.model.scale, spec.levels);
      } else {
        out.model.dof = spec.dof != 0 ? spec.dof : FitStudentTDof(returns);
        out.risk = StudentTVarEs(out.model.location, out.model.scale, out.model.dof, spec.levels);
      }
      break;
    }
  }
  return out;
}

}  // namespace finai::risk
