// `finai risk <verb>`: market and operational risk analytics (each verb in its own cmd_risk_*.cpp).
#include "commands.hpp"

namespace finai::cli {

void RegisterRisk(CLI::App& app, GlobalOptions& global) {
  auto* risk = app.add_subcommand("risk", "Risk analytics: VaR/ES, backtests, GARCH, operational-risk loss models");
  risk->require_subcommand(1);
  RegisterRiskVar(*risk, global);
  RegisterRiskBacktest(*risk, global);
  RegisterRiskGarch(*risk, global);
  RegisterRiskOprisk(*risk, global);
}

}  // namespace finai::cli
