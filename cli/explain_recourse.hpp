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

struct RecourseText {
  std::string report;   // CSV (one line per refused applicant) or JSON (with the actions and the summary)
  std::string summary;  // one line for people: refused, with and without recourse, costs
};

// The report for every refused row and the portfolio summary.
RecourseText RecourseReport(const gbdt::GbdtModel& model, const CsvTable& table, const gbdt::FeatureMatrix& x,
                           const std::vector<std::string>& ids, const std::string& id_name, const RecourseArgs& args);

}  // namespace finai::cli
