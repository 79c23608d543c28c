// `finai explain --pdp` and `--dependence`: the option values they take and the tables they write.
#include "explain_global_views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/explain/global.hpp"

namespace finai::cli {

namespace {
using Json = nlohmann::ordered_json;

// A feature's value as written in the output: a number (empty when missing), or the category's text.
std::string ValueText(const gbdt::FeatureInfo& feature, double v) {
  if (std::isnan(v)) return "";
  if (feature.categorical) {
    if (v >= 0 && v < static_cast<double>(feature.categories.size())) {
      return feature.categories[static_cast<std::size_t>(v)];
    }
    return "";  // a category the model never saw
  }
  return fmt::format("{}", v);
}

Json ValueJson(const gbdt::FeatureInfo& feature, double v) {
  if (std::isnan(v)) return nullptr;
  if (feature.categorical) return ValueText(feature, v);
  return v;
}

std::string OutputName(const gbdt::GbdtModel& model, int k) {
  return model.num_outputs() > 1 ? model.class_labels[static_cast<std::size_t>(k)] : std::string();
}

}  // namespace

// A model feature by name; InvalidArgument (exit 64) naming the option when there is none.
int FeatureIndex(const gbdt::GbdtModel& model, const std::string& name, const std::string& option) {
  for (std::size_t f = 0; f < model.features.size(); ++f) {
    if (model.features[f].name == name) return static_cast<int>(f);
  }
  throw InvalidArgument("unknown feature", {.field = option, .field_kind = "option", .value = name,
                                            .expected = "one of the model's features"});
}

// "--grid-values v1,v2,...": numbers, or a categorical feature's category texts.
std::vector<double> ParseGridValues(const gbdt::FeatureInfo& feature, const std::string& text) {
  std::vector<double> grid;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    const std::string item = text.substr(begin, end - begin);
    begin = end + 1;
    if (feature.categorical) {
      const auto it = std::find(feature.categories.begin(), feature.categories.end(), item);
      if (it == feature.categories.end()) {
        throw InvalidArgument("a grid value is not a category of the feature",
                              {.field = "--grid-values", .field_kind = "option", .value = item,
                               .expected = "categories of '" + feature.name + "' known to the model"});
      }
      grid.push_back(static_cast<double>(it - feature.categories.begin()));
    } else {
      char* stop = nullptr;
      errno = 0;
      const double v = item.empty() ? std::nan("") : std::strtod(item.c_str(), &stop);
      if (item.empty() || *stop != '\0' || errno == ERANGE || !std::isfinite(v)) {
        throw InvalidArgument("a grid value is not a finite number",
                              {.field = "--grid-values", .field_kind = "option", .value = item,
                               .expected = "comma-separated finite numbers, e.g. 0,1000,5000"});
      }
      grid.push_back(v);
    }
  }
  for (std::size_t i = 0; i < grid.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (grid[i] == grid[j]) {
        throw InvalidArgument("a grid value is repeated",
                              {.field = "--grid-values", .field_kind = "option", .value = ValueText(feature, grid[i]),
                               .expected = "distinct values"});
      }
    }
  }
  return grid;
}

// Partial dependence: CSV `feature,value,pd` (multiclass: `feature,value,class,pd`), one line per grid value; with
// --ice the long form `row,feature,value,ice,pd` (multiclass: `...,value,class,ice,pd`), one line per row and grid
// value, pd repeated on each line. JSON: the grid, the curve(s) and with --ice every row's curve.
void WritePartialDependence(const gbdt::GbdtModel& model, const explain::PartialDependence& pd,
                            const std::string& scale, bool ice, const std::vector<std::string>& ids,
                            const std::string& id_name, bool json, Output& out) {
  const gbdt::FeatureInfo& feature = model.features[static_cast<std::size_t>(pd.feature)];
  const bool multi = pd.outputs > 1;
  if (json) {
    Json grid = Json::array();
    for (double v : pd.grid) grid.push_back(ValueJson(feature, v));
    auto curves = [&](auto value) {
      if (!multi) {
        Json curve = Json::array();
        for (std::size_t g = 0; g < pd.points(); ++g) curve.push_back(value(0, g));
        return curve;
      }
      Json by_class = Json::object();
      for (int k = 0; k < pd.outputs; ++k) {
        Json curve = Json::array();
        for (std::size_t g = 0; g < pd.points(); ++g) curve.push_back(value(k, g));
        by_class[OutputName(model, k)] = std::move(curve);
      }
      return by_class;
    };
    Json doc{{"method", "partial dependence (brute force: every row predicted at every grid value)"},
             {"feature", feature.name},
             {"scale", scale},
             {"rows", pd.rows},
             {"grid", std::move(grid)},
             {"pd", curves([&](int k, std::size_t g) { return pd.pd(k, g); })}};
    if (ice) {
      Json rows = Json::array();
      for (std::int64_t r = 0; r < pd.rows; ++r) {
        rows.push_back({{id_name, ids[static_cast<std::size_t>(r)]},
                        {"ice", curves([&](int k, std::size_t g) { return pd.ice(r, k, g); })}});
      }
      doc["ice"] = std::move(rows);
    }
    out.Write(doc.dump(2) + "\n");
    return;
  }
  const std::string name = CsvField(feature.name);
  std::vector<std::string> values;
  for (double v : pd.grid) values.push_back(CsvField(ValueText(feature, v)));
  if (!ice) {
    out.Write(std::string("feature,value") + (multi ? ",class" : "") + ",pd\n");
    for (std::size_t g = 0; g < pd.points(); ++g) {
      for (int k = 0; k < pd.outputs; ++k) {
        out.Write(fmt::format("{},{}{},{}\n", name, values[g], multi ? "," + CsvField(OutputName(model, k)) : "",
                              pd.pd(k, g)));
      }
    }
    return;
  }
  out.Write(CsvField(id_name) + ",feature,value" + (multi ? ",class" : "") + ",ice,pd\n");
  std::string line;
  for (std::int64_t r = 0; r < pd.rows; ++r) {
    const std::string id = CsvField(ids[static_cast<std::size_t>(r)]);
    for (std::size_t g = 0; g < pd.points(); ++g) {
      for (int k = 0; k < pd.outputs; ++k) {
        line = fmt::format("{},{},{}{},{},{}\n", id, name, values[g],
                           multi ? "," + CsvField(OutputName(model, k)) : "", pd.ice(r, k, g), pd.pd(k, g));
        out.Write(line);
      }
    }
  }
}

// SHAP dependence data: CSV `row,value,shap` (multiclass: `row,class,value,shap`), JSON rows of {row, value, shap}.
void WriteDependence(const gbdt::GbdtModel& model, const explain::ShapMatrix& shap, const gbdt::FeatureMatrix& x,
                     int feature, const Column& column, const Method& method, const std::string& scale,
                     const std::vector<std::string>& ids,
                     const std::string& id_name, bool json, Output& out) {
  const gbdt::FeatureInfo& info = model.features[static_cast<std::size_t>(feature)];
  const bool multi = shap.outputs > 1;
  std::vector<explain::DependenceData> data;
  for (int k = 0; k < shap.outputs; ++k) data.push_back(explain::Dependence(shap, x, feature, k));
  // A category the model never saw has no text in the model: the data's own text.
  auto text = [&](std::size_t i) {
    const double v = data[0].value[i];
    const bool unseen = info.categorical && !std::isnan(v) && !(v < static_cast<double>(info.categories.size()));
    return unseen ? column.ValueText(static_cast<std::int64_t>(i)) : ValueText(info, v);
  };
  if (json) {
    Json rows = Json::array();
    for (std::int64_t r = 0; r < shap.rows; ++r) {
      const auto i = static_cast<std::size_t>(r);
      const double v = data[0].value[i];
      Json row{{id_name, ids[i]}, {"value", info.categorical && !std::isnan(v) ? Json(text(i)) : ValueJson(info, v)}};
      if (!multi) {
        row["shap"] = data[0].shap[i];
      } else {
        Json by_class = Json::object();
        for (int k = 0; k < shap.outputs; ++k) {
          by_class[OutputName(model, k)] = data[static_cast<std::size_t>(k)].shap[i];
        }
        row["shap"] = std::move(by_class);
      }
      rows.push_back(std::move(row));
    }
    Json doc = Json::object();
    method.AddTo(doc);
    doc["scale"] = scale;
    doc["feature"] = info.name;
    doc["rows"] = std::move(rows);
    out.Write(doc.dump(2) + "\n");
    return;
  }
  out.Write(CsvField(id_name) + (multi ? ",class" : "") + ",value,shap\n");
  for (std::int64_t r = 0; r < shap.rows; ++r) {
    const auto i = static_cast<std::size_t>(r);
    for (int k = 0; k < shap.outputs; ++k) {
      out.Write(fmt::format("{}{},{},{}\n", CsvField(ids[i]), multi ? "," + CsvField(OutputName(model, k)) : "",
                            CsvField(text(i)), data[static_cast<std::size_t>(k)].shap[i]));
    }
  }
}

}  // namespace finai::cli
