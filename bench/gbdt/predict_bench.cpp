// Prediction speed of a finai tree model: batch throughput (CompiledModel::PredictBatch on all rows, the
// given threads) and single-row latency (CompiledModel::PredictRow, one thread, one applicant at a time).
// Run by bench/gbdt/run.py beside XGBoost's predict and inplace_predict on the same model and rows.
//
// Usage: predict_bench MODEL DATA.csv THREADS [SINGLE_ROW_CALLS]
// Prints JSON: rows, trees, batch seconds (best of 5), rows per second, single-row p50 and p99 in us.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "finai/core/context.hpp"
#include "finai/data/csv.hpp"
#include "finai/models/gbdt/model_io.hpp"
#include "finai/models/gbdt/predict.hpp"

namespace {
double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: predict_bench MODEL DATA.csv THREADS [SINGLE_ROW_CALLS]\n");
    return 64;
  }
  finai::Context ctx;
  ctx.set_threads(std::stoi(argv[3]));
  const int calls = argc > 4 ? std::stoi(argv[4]) : 2000;
  const finai::gbdt::GbdtModel model = finai::gbdt::LoadModel(argv[1]);
  const finai::CsvTable table = finai::ReadCsv(argv[2], finai::CsvOptions{}, ctx);
  const finai::gbdt::FeatureMatrix x = finai::gbdt::BuildFeatureMatrix(model, table.frame, ctx);
  const finai::gbdt::CompiledModel compiled(model);
  std::vector<double> margins(static_cast<std::size_t>(x.rows * compiled.num_outputs()));

  double best_batch = 1e300;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    compiled.PredictBatch(x, margins, ctx);
    best_batch = std::min(best_batch, Seconds(start));
  }
  // Single rows: distinct rows in turn (one row over and over would sit in the cache unrealistically).
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(calls));
  std::vector<double> one(static_cast<std::size_t>(compiled.num_outputs()));
  double checksum = 0;
  for (int i = 0; i < calls; ++i) {
    const auto row = x.row(i % x.rows);
    const auto start = std::chrono::steady_clock::now();
    compiled.PredictRow(row, one);
    latencies.push_back(Seconds(start) * 1e6);
    checksum += one[0];
  }
  std::sort(latencies.begin(), latencies.end());
  nlohmann::json out = {{"rows", x.rows},
                        {"trees", model.trees.size()},
                        {"threads", ctx.EffectiveThreads()},
                        {"batch_seconds", best_batch},
                        {"predict_rows_per_second", static_cast<double>(x.rows) / best_batch},
                        {"single_row_us_p50", latencies[latencies.size() / 2]},
                        {"single_row_us_p99", latencies[latencies.size() * 99 / 100]},
                        {"checksum", checksum}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
