// Data profiling: what a data set holds, column by column, and how each column relates to a binary target
// (event rate per bin, information value, single-feature AUC), with the data-quality warnings a model-risk
// reviewer asks about first: constant and ID-like columns, duplicate rows, heavy missingness, near-duplicate
// features, and leakage suspects (a single feature that predicts the target almost perfectly).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/data/target.hpp"

namespace finai {

struct ProfileOptions {
  std::string target;          // binary target column; empty: no target analysis
  std::string event;           // the target value that is the event; empty: chosen as documented in docs/profile.md
  int target_bins = 10;        // value bins per numeric feature for event rates (plus a missing bin)
  int top_categories = 5;      // categories listed per column
  double leakage_auc = 0.95;   // a single feature above this AUC is a leakage suspect
  double high_correlation = 0.9;   // |Pearson r| at or above this between two features is flagged
  double high_missing = 0.5;       // a column missing more than this share is flagged
  void Validate() const;
};

struct NumericSummary {
  double min = 0, max = 0, mean = 0, std_dev = 0;
  double p01 = 0, p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0, p99 = 0;
};

struct CategoryShare {
  std::string value;
  std::int64_t count = 0;
  double share = 0;  // of all rows, missing included
};

// One bin of a feature against the target. WoE = ln(share of non-events / share of events) and the IV
// contribution (share of non-events - share of events) * WoE; a bin without events or without
// non-events gets 0.5 added to both counts so that both stay finite (docs/profile.md).
struct TargetBin {
  std::string label;
  std::int64_t count = 0;
  std::int64_t events = 0;
  double event_rate = 0;
  double woe = 0;
  double iv = 0;
};

struct ColumnProfile {
  std::string name;
  std::string type;
  std::int64_t missing = 0;
  double missing_share = 0;
  std::int64_t distinct = 0;  // distinct non-missing values
  std::optional<NumericSummary> numeric;
  std::vector<CategoryShare> top;  // the most frequent values (categorical and string columns)
  std::vector<TargetBin> target_bins;
  std::optional<double> information_value;
  std::optional<double> auc;  // single-feature AUC against the target, oriented to be >= 0.5
};

struct CorrelationPair {
  std::string a;
  std::string b;
  double pearson = 0;
  std::int64_t rows = 0;  // rows where both are present
};

struct DataWarning {
  std::string kind;    // constant, id_like, duplicate_rows, high_missing, high_correlation, leakage_suspect
  std::string column;  // empty for table-wide warnings
  std::string message;
};

struct DataProfile {
  std::string source;
  std::int64_t rows = 0;
  std::int64_t columns = 0;
  std::string target;
  std::string event;
  std::int64_t events = 0;
  double event_rate = 0;
  std::int64_t duplicate_rows = 0;  // rows equal to an earlier row in every column
  std::vector<ColumnProfile> column_profiles;
  std::vector<CorrelationPair> correlations;  // numeric pairs, strongest first (at most 20)
  std::vector<DataWarning> warnings;
};

DataProfile ProfileFrame(const Frame& frame, const std::string& source, const ProfileOptions& options,
                         const Context& ctx);


}  // namespace finai

namespace finai {
// The profile as JSON (documented in docs/profile.md) and as a readable terminal report.
std::string ProfileToJson(const DataProfile& profile);
std::string FormatProfile(const DataProfile& profile, bool show_bins);
}  // namespace finai
