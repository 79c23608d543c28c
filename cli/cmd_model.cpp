// Verbs that use a saved tree model: `finai predict`, `finai evaluate`, `finai importance`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/data/target.hpp"
#include "finai/explain/global.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/models/gbdt/importance.hpp"
#include "finai/models/gbdt/model_io.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace finai::cli {

namespace {
using Json = nlohmann::ordered_json;

struct ModelArgs {
  std::string model;
  std::string data_file;
  DataOptions data;
  bool json = false;
  std::string output;
  std::string kind = "response";
  std::string id_column;
  std::string target;
  double threshold = 0.5;
  int bins = 10;
};

void RunPredict(const ModelArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  const gbdt::GbdtModel model = gbdt::LoadModel(a.model);
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const gbdt::FeatureMatrix x = gbdt::BuildFeatureMatrix(model, table.frame, ctx);
  const gbdt::PredictKind kind = a.kind == "margin" ? gbdt::PredictKind::kMargin
                                 : a.kind == "leaf" ? gbdt::PredictKind::kLeafIndex : gbdt::PredictKind::kResponse;
  const std::vector<double> pred = gbdt::Predict(model, x, kind, ctx);
  const std::size_t width = x.rows > 0 ? pred.size() / static_cast<std::size_t>(x.rows) : 0;
  std::FILE* out = stdout;
  if (!a.output.empty()) {
    out = std::fopen(a.output.c_str(), "w");
    if (!out) throw IoError("cannot create the output file", {.file = a.output});
  }
  // Header: the id column (or the row number), then one column per output.
  std::string header = a.id_column.empty() ? "row" : a.id_column;
  for (std::size_t k = 0; k < width; ++k) {
    if (kind == gbdt::PredictKind::kLeafIndex) header += fmt::format(",leaf_{}", k);
    else if (model.num_classes > 1) header += fmt::format(",{}_{}", a.kind, model.class_labels[k]);
    else header += "," + std::string(a.kind == "margin" ? "margin" : model.objective == gbdt::ObjectiveKind::kBinaryLogLoss ? "probability" : "prediction");
  }
  std::fprintf(out, "%s\n", header.c_str());
  const Column* id = a.id_column.empty() ? nullptr : &table.frame.column(a.id_column);
  std::string line;
  for (std::int64_t r = 0; r < x.rows; ++r) {
    line = id ? id->ValueText(r) : std::to_string(r + 1);
    for (std::size_t k = 0; k < width; ++k) line += fmt::format(",{}", pred[static_cast<std::size_t>(r) * width + k]);
    line += '\n';
    std::fputs(line.c_str(), out);
  }
  if (out != stdout && std::fclose(out) != 0) throw IoError("cannot write the output file", {.file = a.output});
}

void RunEvaluate(const ModelArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  const gbdt::GbdtModel model = gbdt::LoadModel(a.model);
  if (model.objective != gbdt::ObjectiveKind::kBinaryLogLoss) {
    throw Unsupported("evaluate reports binary classification metrics", {.expected = "a binary model"});
  }
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const std::string target = a.target.empty() ? model.target : a.target;
  const std::vector<double> y = EncodeBinaryTarget(table.frame.column(target), model.class_labels[1], model.class_labels[0]);
  const std::vector<double> p = gbdt::Predict(model, gbdt::BuildFeatureMatrix(model, table.frame, ctx),
                                              gbdt::PredictKind::kResponse, ctx);
  std::vector<double> yk, pk;  // rows with a known outcome
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(y[i])) continue;
    yk.push_back(y[i]);
    pk.push_back(p[i]);
  }
  const double auc = metrics::Auc(yk, pk);
  const auto ks = metrics::KsStatistic(yk, pk);
  const double logloss = metrics::LogLoss(yk, pk);
  const double brier = metrics::Brier(yk, pk);
  const auto cm = metrics::AtThreshold(yk, pk, a.threshold);
  const auto calib = metrics::CalibrationTable(yk, pk, {}, a.bins, metrics::BinStrategy::kQuantile);
  const auto roc = metrics::RocCurve(yk, pk);
  // ROC at the score deciles: the table a validator reads (the full curve is in --json).
  Json roc_points = Json::array();
  for (std::size_t i = 0; i < roc.fpr.size(); ++i) {
    roc_points.push_back({{"threshold", std::isfinite(roc.thresholds[i]) ? Json(roc.thresholds[i]) : Json(nullptr)},
                          {"fpr", roc.fpr[i]}, {"tpr", roc.tpr[i]}});
  }
  if (a.json) {
    Json out{{"rows", yk.size()}, {"event", model.class_labels[1]}, {"auc", auc}, {"gini", 2 * auc - 1},
             {"ks", ks.statistic}, {"ks_threshold", ks.threshold}, {"logloss", logloss}, {"brier", brier},
             {"threshold", a.threshold},
             {"confusion", {{"tp", cm.tp}, {"fp", cm.fp}, {"tn", cm.tn}, {"fn", cm.fn}, {"precision", cm.Precision()},
                            {"recall", cm.Recall()}, {"f1", cm.F1()}, {"accuracy", cm.Accuracy()}}}};
    Json cal = Json::array();
    for (const auto& b : calib) {
      cal.push_back({{"lower", b.lower}, {"upper", b.upper}, {"count", b.count}, {"mean_predicted", b.mean_predicted},
                     {"observed_rate", b.observed_rate}});
    }
    out["calibration"] = std::move(cal);
    out["roc"] = std::move(roc_points);
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  std::printf("%s on %zu rows (event '%s')\n", a.model.c_str(), yk.size(), model.class_labels[1].c_str());
  std::printf("  AUC %.4f   Gini %.4f   KS %.4f (at %.4f)   log loss %.4f   Brier %.4f\n", auc, 2 * auc - 1,
              ks.statistic, ks.threshold, logloss, brier);
  std::printf("  at threshold %.3f: precision %.4f  recall %.4f  F1 %.4f  accuracy %.4f  (TP %.0f FP %.0f TN %.0f FN %.0f)\n",
              a.threshold, cm.Precision(), cm.Recall(), cm.F1(), cm.Accuracy(), cm.tp, cm.fp, cm.tn, cm.fn);
  std::printf("\nROC at score deciles\n  %-10s %8s %8s\n", "threshold", "FPR", "TPR");
  for (int d = 1; d <= 9; ++d) {
    // The first ROC point whose false-positive rate reaches d/10.
    std::size_t i = 0;
    while (i + 1 < roc.fpr.size() && roc.fpr[i] < d / 10.0) ++i;
    std::printf("  %-10.4f %8.4f %8.4f\n", roc.thresholds[i], roc.fpr[i], roc.tpr[i]);
  }
  std::printf("\ncalibration (%d bins of equal count)\n  %-19s %8s %10s %10s\n", a.bins, "score range", "rows",
              "predicted", "observed");
  for (const auto& b : calib) {
    std::printf("  %.4f - %.4f     %8lld %10.4f %10.4f\n", b.lower, b.upper, static_cast<long long>(b.count),
                b.mean_predicted, b.observed_rate);
  }
}

// Split gain, cover and count from the model alone; with --data also the mean |SHAP| over those rows, the global
// importance that agrees with the row-level explanations (the table is then ranked by it). A multiclass model's
// mean |SHAP| is summed over its classes.
void RunImportance(const ModelArgs& a, const GlobalOptions& global) {
  const gbdt::GbdtModel model = gbdt::LoadModel(a.model);
  auto imp = gbdt::ComputeImportance(model);
  std::vector<double> shap(imp.size(), 0.0);
  const bool with_shap = !a.data_file.empty();
  if (with_shap) {
    const Context ctx = MakeContext(global);
    const CsvTable table = LoadData(a.data_file, a.data, ctx);
    const explain::ShapMatrix values = explain::ShapValues(model, gbdt::BuildFeatureMatrix(model, table.frame, ctx), ctx);
    for (int k = 0; k < values.outputs; ++k) {
      const std::vector<double> mean_abs = explain::MeanAbsShap(values, k);
      for (std::size_t f = 0; f < shap.size(); ++f) shap[f] += mean_abs[f];
    }
  }
  std::vector<std::size_t> order(imp.size());
  for (std::size_t f = 0; f < order.size(); ++f) order[f] = f;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) {
    return with_shap ? shap[l] > shap[r] : imp[l].total_gain > imp[r].total_gain;
  });
  double total = 0;
  for (const auto& i : imp) total += i.total_gain;
  if (a.json) {
    Json out = Json::array();
    for (std::size_t f : order) {
      const auto& i = imp[f];
      Json entry{{"feature", i.feature}, {"gain", i.total_gain}, {"gain_share", total > 0 ? i.total_gain / total : 0},
                 {"cover", i.total_cover}, {"splits", i.splits}};
      if (with_shap) entry["mean_abs_shap"] = shap[f];
      out.push_back(std::move(entry));
    }
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  std::printf("%-28s %12s %8s %12s %8s", "feature", "gain", "share", "cover", "splits");
  std::printf(with_shap ? " %12s\n" : "\n", "mean|SHAP|");
  for (std::size_t f : order) {
    const auto& i = imp[f];
    std::printf("%-28s %12.4g %7.1f%% %12.4g %8d", i.feature.c_str(), i.total_gain,
                total > 0 ? 100 * i.total_gain / total : 0.0, i.total_cover, i.splits);
    if (with_shap) std::printf(" %12.4g", shap[f]);
    std::printf("\n");
  }
}
}  // namespace

void RegisterModelVerbs(CLI::App& app, GlobalOptions& global) {
  auto p = std::make_shared<ModelArgs>();
  auto* predict = app.add_subcommand("predict", "Score a data file with a model");
  predict->add_option("--model", p->model, "Model file (.json or .fgb)")->required();
  predict->add_option("--data", p->data_file, "Data to score (CSV)")->required();
  predict->add_option("--kind", p->kind, "response (probability / value), margin, or leaf")
      ->check(CLI::IsMember({"response", "margin", "leaf"}));
  predict->add_option("--id-column", p->id_column, "Column written beside each prediction (default: row number)");
  predict->add_option("-o,--output", p->output, "CSV to write (default: standard output)");
  AddDataOptions(*predict, p->data);
  predict->callback([p, &global] { RunPredict(*p, global); });

  auto e = std::make_shared<ModelArgs>();
  auto* evaluate = app.add_subcommand("evaluate", "Evaluate a binary model: AUC, Gini, KS, log loss, Brier, "
                                                  "confusion matrix, ROC and calibration tables");
  evaluate->add_option("--model", e->model, "Model file")->required();
  evaluate->add_option("--data", e->data_file, "Data with outcomes (CSV)")->required();
  evaluate->add_option("--target", e->target, "Outcome column (default: the model's target)");
  evaluate->add_option("--threshold", e->threshold, "Decision threshold for the confusion matrix")
      ->check(CLI::Range(0.0, 1.0));
  evaluate->add_option("--bins", e->bins, "Calibration bins")->check(CLI::Range(2, 100));
  evaluate->add_flag("--json", e->json, "Print JSON (with the full ROC curve)");
  AddDataOptions(*evaluate, e->data);
  evaluate->callback([e, &global] { RunEvaluate(*e, global); });

  auto i = std::make_shared<ModelArgs>();
  auto* importance = app.add_subcommand("importance", "Feature importance of a model (total gain, cover, splits; "
                                                      "mean |SHAP| over --data)");
  importance->add_option("--model", i->model, "Model file")->required();
  importance->add_option("--data", i->data_file,
                         "Rows (CSV) to average |SHAP| over: the importance that agrees with the row explanations");
  importance->add_flag("--json", i->json, "Print JSON");
  AddDataOptions(*importance, i->data);
  importance->callback([i, &global] { RunImportance(*i, global); });
}

}  // namespace finai::cli
