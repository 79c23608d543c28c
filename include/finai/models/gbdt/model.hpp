// A gradient-boosted tree model: features (with their schema), trees, objective and everything an auditor
// needs to know where the model came from. Trained by finai, or imported from XGBoost / LightGBM.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/frame.hpp"
#include "finai/models/gbdt/params.hpp"
#include "finai/models/gbdt/tree.hpp"

namespace finai::gbdt {

struct FeatureInfo {
  std::string name;
  bool categorical = false;
  std::vector<std::string> categories;  // categorical: category id -> text
  int monotone = 0;                     // +1 increasing, -1 decreasing, 0 none
  std::string description;              // human-readable, for reason codes
};

// Where a model came from (model files carry it; imported models fill what they can).
struct ModelProvenance {
  std::string producer;             // "finai 0.1.0", "xgboost", "lightgbm"
  std::string created_at;           // ISO 8601 UTC
  std::string training_data;        // file name(s)
  std::string training_fingerprint; // XXH3 of the training data's bytes, hex
  std::int64_t training_rows = 0;
  std::map<std::string, double> metrics;  // e.g. "valid_auc"
};

struct GbdtModel {
  ObjectiveKind objective = ObjectiveKind::kBinaryLogLoss;
  int num_classes = 1;                 // 1 for binary and regression
  std::vector<double> base_margin;     // per class (size num_classes)
  std::vector<FeatureInfo> features;
  std::vector<Tree> trees;
  std::vector<std::int32_t> tree_class;  // class each tree adds to (all 0 unless multiclass)
  SplitRule split_rule = SplitRule::kLessEqual;
  bool float32_compare = false;        // compare values and thresholds as float32 (XGBoost)
  std::string target;                  // target column name
  std::vector<std::string> class_labels;  // binary: {non-event, event}; multiclass: one per class
  GbdtParams params;                   // as trained (defaults for imported models)
  ModelProvenance provenance;

  // Throws InvalidData (naming tree and node) when the structure is inconsistent: child indices out of range
  // or cyclic, a feature index out of range, a categorical split on a numeric feature, etc.
  void Validate() const;
  int num_outputs() const { return num_classes; }
};

// Rows to predict, as the model sees them: row-major, one value per model feature; NaN = missing;
// categorical features hold the model's category id (unseen categories get an id past the model's list).
struct FeatureMatrix {
  std::int64_t rows = 0;
  int cols = 0;
  std::vector<double> values;
  std::span<const double> row(std::int64_t r) const {
    return {values.data() + r * cols, static_cast<std::size_t>(cols)};
  }
};

// Maps a frame's columns to the model's features by name (categories by text). NotFound for a missing
// column, InvalidData for a column whose type does not fit (text for a numeric feature, ...).
FeatureMatrix BuildFeatureMatrix(const GbdtModel& model, const Frame& frame, const Context& ctx);
// Rows [begin, end) of the frame into `out` (resized; its memory is reused), with the same checks: for
// scoring a large frame a block at a time without holding all of it as doubles.
void FillFeatureMatrix(const GbdtModel& model, const Frame& frame, std::int64_t begin, std::int64_t end,
                       FeatureMatrix& out);

}  // namespace finai::gbdt
