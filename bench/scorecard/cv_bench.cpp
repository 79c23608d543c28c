// 5-fold stratified cross-validated Gini of a default scorecard beside finai's gradient-boosted trees (default
// parameters) on the same folds.
//   scorecard_cv_bench DATA.csv TARGET [SCHEMA.json] [folds]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "finai/data/csv.hpp"
#include "finai/data/split.hpp"
#include "finai/data/target.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/models/gbdt/model.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "finai/models/gbdt/train.hpp"
#include "finai/scorecard/scorecard.hpp"

namespace {
double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
void Summary(const char* name, const std::vector<double>& g, double seconds) {
  double m = 0, s = 0;
  for (double v : g) m += v;
  m /= static_cast<double>(g.size());
  for (double v : g) s += (v - m) * (v - m);
  s = std::sqrt(s / static_cast<double>(g.size() - 1));
  std::printf("  %-12s Gini %.4f +- %.4f (folds:", name, m, s);
  for (double v : g) std::printf(" %.4f", v);
  std::printf(")  %.2f s\n", seconds);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DATA.csv TARGET [SCHEMA.json] [folds]\n", argv[0]);
    return 64;
  }
  const finai::Context ctx;
  finai::CsvOptions csv;
  if (argc > 3 && std::string(argv[3]) != "-") csv.schema = finai::LoadSchemaOverride(argv[3]);
  const int folds = argc > 4 ? std::atoi(argv[4]) : 5;
  const finai::CsvTable table = finai::ReadCsv(argv[1], csv, ctx);
  const std::string target = argv[2];
  const auto folds_rows = finai::StratifiedKFold(table.frame.column(target), folds, 42);
  std::vector<double> gini_card, gini_gbdt;
  double t_card = 0, t_gbdt = 0;
  std::string event;
  for (const auto& f : folds_rows) {
    const finai::Frame train = table.frame.Take(f.train), test = table.frame.Take(f.test);
    auto t0 = std::chrono::steady_clock::now();
    const auto card = finai::scorecard::FitScorecard(train, table.schema, target, "", {}, {}, ctx);
    const auto scored = finai::scorecard::ApplyScorecard(card, test, 0);
    t_card += Seconds(t0);
    event = card.event;
    const std::vector<double> y = finai::EncodeBinaryTarget(test.column(target), card.event, card.non_event);
    gini_card.push_back(finai::metrics::Gini(y, scored.pd));
    t0 = std::chrono::steady_clock::now();
    finai::gbdt::TrainOptions to;
    to.target = target;
    to.event = card.event;
    const auto trained = finai::gbdt::Train(train, table.schema, to, finai::gbdt::GbdtParams{}, ctx);
    const auto p = finai::gbdt::Predict(trained.model, finai::gbdt::BuildFeatureMatrix(trained.model, test, ctx),
                                        finai::gbdt::PredictKind::kResponse, ctx);
    t_gbdt += Seconds(t0);
    gini_gbdt.push_back(finai::metrics::Gini(y, p));
  }
  std::printf("%s: %lld rows, target %s (event '%s'), %d-fold stratified CV (seed 42)\n", argv[1],
              static_cast<long long>(table.frame.num_rows()), target.c_str(), event.c_str(), folds);
  Summary("scorecard", gini_card, t_card);
  Summary("gbdt", gini_gbdt, t_gbdt);
  return 0;
}
