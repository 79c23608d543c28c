// The scorecard report: the table of bins and points, the coefficients, the selection log.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "finai/scorecard/scorecard.hpp"

namespace finai::scorecard {

std::string FormatScorecardReport(const Scorecard& card) {
  const ScalingParams& s = card.options.scaling;
  std::string out = fmt::format(
      "Scorecard: target {} (event '{}'), {} variables, scores {:g} to {:g}\n"
      "Scaling: score = {:.4f} + {:.4f} ln(good:bad odds); PDO {:g}, base score {:g} at odds {:g}:1{}\n\n",
      card.target, card.event, card.variables.size(), card.min_score, card.max_score, s.Offset(), s.Factor(), s.pdo,
      s.base_score, s.base_odds, s.round_points ? ", points rounded" : "");
  out += fmt::format("{:<16} {:<28} {:>8} {:>6} {:>7} {:>7} {:>8} {:>7} {:>7}\n", "variable", "bin", "count", "share",
                     "events", "rate", "WoE", "IV", "points");
  for (const auto& v : card.variables) {
    for (std::size_t b = 0; b < v.binning.bins.size(); ++b) {
      const Bin& bin = v.binning.bins[b];
      std::string label = bin.label.size() > 28 ? bin.label.substr(0, 25) + "..." : bin.label;
      out += fmt::format("{:<16} {:<28} {:>8g} {:>6.3f} {:>7g} {:>7.4f} {:>8.4f} {:>7.4f} {:>7g}\n",
                         b == 0 ? v.binning.feature : "", label, bin.count, bin.share, bin.events, bin.event_rate,
                         bin.woe, bin.iv, v.points[b]);
    }
    out += fmt::format("{:<16} {:<28} IV {:.4f}, trend {}, {} pre-bins{}\n", "", "", v.binning.iv,
                       TrendName(v.binning.trend), v.binning.num_prebins, v.binning.optimal ? ", optimal" : ", manual");
  }
  const auto& f = card.fit;
  out += fmt::format(
      "\nLogistic regression on WoE (P({})): {} observations, log-likelihood {:.4f} (null {:.4f}), "
      "AIC {:.4f}, BIC {:.4f}, {} iterations\n",
      card.event, f.num_observations, f.log_likelihood, f.null_log_likelihood, f.aic, f.bic, f.iterations);
  out += fmt::format("{:<16} {:>10} {:>9} {:>8} {:>10} {:>10} {:>10}\n", "", "coef", "std err", "z", "P>|z|", "[0.025",
                     "0.975]");
  for (std::size_t j = 0; j < f.coef.size(); ++j) {
    out += fmt::format("{:<16} {:>10.4f} {:>9.4f} {:>8.3f} {:>10.3g} {:>10.4f} {:>10.4f}\n", f.names[j], f.coef[j],
                       f.std_err[j], f.z[j], f.p_value[j], f.ci_lower[j], f.ci_upper[j]);
  }
  out += "\nSelection\n";
  for (const auto& r : card.selection) out += fmt::format("  {:<16} IV {:>7.4f}  {}\n", r.feature, r.iv, r.decision);
  return out;
}

nlohmann::json ScorecardReportJson(const Scorecard& card) {
  nlohmann::json j = ScorecardToJson(card);
  nlohmann::json table = nlohmann::json::array();
  for (const auto& v : card.variables) {
    for (std::size_t b = 0; b < v.binning.bins.size(); ++b) {
      const Bin& bin = v.binning.bins[b];
      table.push_back({{"variable", v.binning.feature},
                       {"bin", bin.label},
                       {"count", bin.count},
                       {"share", bin.share},
                       {"events", bin.events},
                       {"event_rate", bin.event_rate},
                       {"woe", bin.woe},
                       {"iv", bin.iv},
                       {"points", v.points[b]}});
    }
  }
  j["table"] = std::move(table);
  return j;
}

}  // namespace finai::scorecard
