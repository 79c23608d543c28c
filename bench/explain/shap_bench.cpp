// Speed of finai's TreeSHAP on an imported XGBoost model: batch contributions (TreeShapExplainer::Explain on all
// rows, the given threads, best of REPS), the one-off per-model precompute, and single-row latency of one
// applicant's explanation with its reason codes (one thread, and THREADS threads over the trees). Run by bench/explain/run.py beside XGBoost's
// pred_contribs on the same model and rows; the contributions are written to OUT.bin (float64, rows x (features+1))
// so that run.py can check them against XGBoost's.
//
// With INTERACTION_ROWS > 0 it also times SHAP interaction values of the first INTERACTION_ROWS rows (best of REPS)
// and writes them to OUT.bin.interactions (float64, rows x (features+1) x (features+1)).
//
// Usage: shap_bench MODEL.json DATA.csv THREADS OUT.bin [REPS] [SINGLE_ROW_CALLS] [INTERACTION_ROWS]
// Prints JSON: rows, trees, precompute seconds, batch seconds, rows per second, single-row p50 and p99 in us (one
// thread; "threads": THREADS threads), interaction seconds.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/csv.hpp"
#include "finai/explain/reason_codes.hpp"
#include "finai/explain/tree_shap.hpp"
#include "finai/models/gbdt/import.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace {
double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: shap_bench MODEL.json DATA.csv THREADS OUT.bin [REPS] [SINGLE_ROW_CALLS] [INTERACTION_ROWS]\n");
    return 64;
  }
  finai::Context ctx;
  ctx.set_threads(std::stoi(argv[3]));
  const int reps = argc > 5 ? std::stoi(argv[5]) : 3;
  const int calls = argc > 6 ? std::stoi(argv[6]) : 500;
  const std::int64_t interaction_rows = argc > 7 ? std::stoll(argv[7]) : 0;
  const finai::gbdt::GbdtModel model = finai::gbdt::ImportXgboostJson(ReadFile(argv[1]), argv[1]);
  const finai::CsvTable table = finai::ReadCsv(argv[2], finai::CsvOptions{}, ctx);
  const finai::gbdt::FeatureMatrix x = finai::gbdt::BuildFeatureMatrix(model, table.frame, ctx);

  auto start = std::chrono::steady_clock::now();
  const finai::explain::TreeShapExplainer explainer(model);
  const double precompute = Seconds(start);
  finai::explain::ShapMatrix shap;
  double best = 1e300;
  for (int rep = 0; rep < reps; ++rep) {
    start = std::chrono::steady_clock::now();
    shap = explainer.Explain(x, ctx);
    best = std::min(best, Seconds(start));
  }
  std::ofstream(argv[4], std::ios::binary)
      .write(reinterpret_cast<const char*>(shap.values.data()),
             static_cast<std::streamsize>(shap.values.size() * sizeof(double)));

  // One applicant at a time, distinct rows in turn: contributions, then the four reasons; first on one thread
  // (ExplainRow), then with the trees split over THREADS threads (ExplainRow with the context, the same bits).
  finai::explain::ShapMatrix one;
  one.rows = 1;
  one.outputs = explainer.outputs();
  one.features = explainer.features();
  one.values.resize(static_cast<std::size_t>(one.outputs) * one.width());
  double checksum = 0;
  const auto single_rows = [&](const finai::Context* threads) {
    std::vector<double> latencies;
    for (int i = 0; i < calls; ++i) {
      const double* row = x.values.data() + static_cast<std::size_t>(i % x.rows) * x.cols;
      start = std::chrono::steady_clock::now();
      if (threads) {
        explainer.ExplainRow(row, one.values.data(), *threads);
      } else {
        explainer.ExplainRow(row, one.values.data());
      }
      const auto reasons = finai::explain::RowReasons(model, one, 0, {});
      latencies.push_back(Seconds(start) * 1e6);
      checksum += reasons.empty() ? 0 : reasons[0].contribution;
    }
    std::sort(latencies.begin(), latencies.end());
    return latencies;
  };
  const std::vector<double> latencies = single_rows(nullptr);
  const std::vector<double> latencies_threads = single_rows(&ctx);

  double interaction_seconds = 0;
  if (interaction_rows > 0) {
    finai::gbdt::FeatureMatrix head = x;
    head.rows = std::min(interaction_rows, x.rows);
    head.values.resize(static_cast<std::size_t>(head.rows) * head.cols);
    finai::explain::InteractionMatrix inter;
    interaction_seconds = 1e300;
    for (int rep = 0; rep < reps; ++rep) {
      start = std::chrono::steady_clock::now();
      inter = explainer.Interactions(head, ctx);
      interaction_seconds = std::min(interaction_seconds, Seconds(start));
    }
    std::ofstream(std::string(argv[4]) + ".interactions", std::ios::binary)
        .write(reinterpret_cast<const char*>(inter.values.data()),
               static_cast<std::streamsize>(inter.values.size() * sizeof(double)));
  }
  nlohmann::json out = {{"rows", x.rows},
                        {"trees", model.trees.size()},
                        {"threads", ctx.EffectiveThreads()},
                        {"precompute_seconds", precompute},
                        {"batch_seconds", best},
                        {"rows_per_second", static_cast<double>(x.rows) / best},
                        {"single_row_with_reasons_us_p50", latencies[latencies.size() / 2]},
                        {"single_row_with_reasons_us_p99", latencies[latencies.size() * 99 / 100]},
                        {"single_row_threads_with_reasons_us_p50", latencies_threads[latencies_threads.size() / 2]},
                        {"single_row_threads_with_reasons_us_p99",
                         latencies_threads[latencies_threads.size() * 99 / 100]},
                        {"interaction_rows", std::min(interaction_rows, x.rows)},
                        {"interaction_seconds", interaction_seconds},
                        {"checksum", checksum}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
