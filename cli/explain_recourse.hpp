// `finai explain --recourse`: the least-cost change that flips each refused applicant's decision, and the portfolio
// summary (cmd_explain.cpp parses the options).
#pragma once

#include <string>
#include <vector>

#include "finai/data/csv.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::cli {

struct RecourseArgs {
  double cutoff = 0.5;
  std::string actions_file;  // JSON overriding the schema's actionable features
  double time_limit = 10;    // seconds per applicant
  bool json = false;
};

// The report for every refused row (CSV, one line per applicant, or JSON with the actions and the summary); the
// summary also goes to standard error in CSV mode.
std::string RecourseReport(const gbdt::GbdtModel& model, const CsvTable& table, const gbdt::FeatureMatrix& x,
                           const std::vector<std::string>& ids, const std::string& id_name, const RecourseArgs& args);

}  // namespace finai::cli
