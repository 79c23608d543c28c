// `finai explain --pdp` and `--dependence` (cmd_explain.cpp parses the options; explain_global_views.cpp writes).
#pragma once

#include <string>
#include <vector>

#include "explain_output.hpp"
#include "finai/data/column.hpp"
#include "finai/explain/partial_dependence.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/model.hpp"

namespace finai::cli {

// A model feature by name; InvalidArgument (exit 64) naming the option when there is none.
int FeatureIndex(const gbdt::GbdtModel& model, const std::string& name, const std::string& option);

// "--grid-values v1,v2,...": numbers, or a categorical feature's category texts; InvalidArgument (64) otherwise.
std::vector<double> ParseGridValues(const gbdt::FeatureInfo& feature, const std::string& text);

// Partial dependence (and ICE with `ice`), CSV in long form or JSON.
void WritePartialDependence(const gbdt::GbdtModel& model, const explain::PartialDependence& pd,
                            const std::string& scale, bool ice, const std::vector<std::string>& ids,
                            const std::string& id_name, bool json, Output& out);

// SHAP dependence data of one feature: per row its value and its SHAP value.
void WriteDependence(const gbdt::GbdtModel& model, const explain::ShapMatrix& shap, const gbdt::FeatureMatrix& x,
                     int feature, const Column& column, const Method& method, const std::string& scale,
                     const std::vector<std::string>& ids, const std::string& id_name, bool json, Output& out);

}  // namespace finai::cli
