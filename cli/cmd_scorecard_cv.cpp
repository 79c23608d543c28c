// `finai scorecard cv`: k-fold stratified cross-validated Gini of a scorecard beside gradient-boosted trees on
// the same folds (issue 5: "the scorecard's 5-fold Gini beside the gradient-boosted trees'"). Each fold fits
// both models on the other folds and ranks the held-out rows by their predicted probability of the event.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/data/split.hpp"
#include "finai/data/target.hpp"
#include "finai/metrics/metrics.hpp"
#include "finai/models/gbdt/model.hpp"
#include "finai/models/gbdt/predict.hpp"
#include "finai/models/gbdt/train.hpp"
#include "finai/scorecard/scorecard.hpp"

namespace finai::cli {

namespace {

struct CvArgs {
  std::string data_file, target, event;
  int folds = 5;
  int max_bins = scorecard::BinningOptions{}.max_bins;
  double min_iv = scorecard::SelectionOptions{}.min_iv;
  gbdt::GbdtParams trees;
  bool json = false;
  DataOptions data;
};

struct Summary {
  std::vector<double> folds;
  double mean = 0, sd = 0;  // sd: sample standard deviation over the folds
};

Summary Summarise(std::vector<double> ginis) {
  Summary s;
  s.folds = std::move(ginis);
  for (double g : s.folds) s.mean += g;
  s.mean /= static_cast<double>(s.folds.size());
  for (double g : s.folds) s.sd += (g - s.mean) * (g - s.mean);
  s.sd = s.folds.size() > 1 ? std::sqrt(s.sd / static_cast<double>(s.folds.size() - 1)) : 0.0;
  return s;
}

void RunCv(const CvArgs& a, const GlobalOptions& global) {
  const Context ctx = MakeContext(global);
  if (a.folds < 2) {
    throw InvalidArgument("cross-validation needs at least two folds", {.field = "--folds",
                                                                        .field_kind = "option",
                                                                        .value = std::to_string(a.folds),
                                                                        .expected = "an integer >= 2"});
  }
  const CsvTable table = LoadData(a.data_file, a.data, ctx);
  const std::string target = !a.target.empty() ? a.target : table.schema.SingleWithRole(Role::kTarget).value_or("");
  if (target.empty()) {
    throw InvalidArgument(
        "no target column",
        {.field = "--target", .field_kind = "option", .expected = "--target NAME or a schema with a target role"});
  }
  const BinaryTarget bt = ResolveBinaryTarget(table.frame.column(target), a.event);
  const std::optional<std::string> weight = table.schema.SingleWithRole(Role::kWeight);

  scorecard::ScorecardOptions card_options;
  card_options.binning.max_bins = a.max_bins;
  card_options.selection.min_iv = a.min_iv;
  gbdt::TrainOptions tree_options;
  tree_options.target = target;
  tree_options.event = bt.event;
  gbdt::GbdtParams params = a.trees;
  params.seed = global.seed;

  std::vector<double> card_gini, tree_gini;
  for (const TrainTest& fold : StratifiedKFold(table.frame.column(target), a.folds, global.seed)) {
    ctx.ThrowIfCancelled();
    const Frame train = table.frame.Take(fold.train), test = table.frame.Take(fold.test);
    std::vector<double> weights;
    if (weight) weights = train.column(*weight).ToFloat64();
    const scorecard::Scorecard card =
        scorecard::FitScorecard(train, table.schema, target, bt.event, weights, card_options, ctx);
    const scorecard::ScoredRows scored = scorecard::ApplyScorecard(card, test, 0);
    const auto trained = gbdt::Train(train, table.schema, tree_options, params, ctx);
    const std::vector<double> tree_pd = gbdt::Predict(
        trained.model, gbdt::BuildFeatureMatrix(trained.model, test, ctx), gbdt::PredictKind::kResponse, ctx);
    // Held-out rows with a known outcome only.
    const std::vector<double> labels = EncodeBinaryTarget(test.column(target), bt.event, bt.non_event);
    std::vector<double> y, card_pd, trees_pd;
    for (std::size_t r = 0; r < labels.size(); ++r) {
      if (std::isnan(labels[r])) continue;
      y.push_back(labels[r]);
      card_pd.push_back(scored.pd[r]);
      trees_pd.push_back(tree_pd[r]);
    }
    card_gini.push_back(metrics::Gini(y, card_pd));
    tree_gini.push_back(metrics::Gini(y, trees_pd));
  }
  const Summary card = Summarise(card_gini), trees = Summarise(tree_gini);
  if (a.json) {
    nlohmann::ordered_json out{{"data", a.data_file},
                               {"rows", table.frame.num_rows()},
                               {"target", target},
                               {"event", bt.event},
                               {"folds", a.folds},
                               {"seed", global.seed}};
    out["scorecard"] = {{"gini_mean", card.mean}, {"gini_sd", card.sd}, {"gini_folds", card.folds}};
    out["trees"] = {{"gini_mean", trees.mean},
                    {"gini_sd", trees.sd},
                    {"gini_folds", trees.folds},
                    {"rounds", params.num_rounds},
                    {"learning_rate", params.learning_rate},
                    {"max_depth", params.max_depth}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("%d-fold stratified cross-validation (seed %llu) on %lld rows, event '%s':\n", a.folds,
                static_cast<unsigned long long>(global.seed), static_cast<long long>(table.frame.num_rows()),
                bt.event.c_str());
    const auto line = [](const char* name, const Summary& s) {
      std::string folds;
      for (double g : s.folds) folds += fmt::format(" {:.4f}", g);
      std::printf("  %-26s Gini %.4f +- %.4f  (folds:%s)\n", name, s.mean, s.sd, folds.c_str());
    };
    line("scorecard", card);
    line("gradient-boosted trees", trees);
    std::printf("  (trees: %d rounds, learning rate %g, depth %d)\n", params.num_rounds, params.learning_rate,
                params.max_depth);
  }
  PrintLoadReport(table.report);
}

}  // namespace

void RegisterScorecardCv(CLI::App& scorecard, GlobalOptions& global) {
  auto a = std::make_shared<CvArgs>();
  auto* cv = scorecard.add_subcommand(
      "cv", "Cross-validated Gini of a scorecard beside gradient-boosted trees (stratified folds, --seed)");
  cv->add_option("--data", a->data_file, "Data (CSV)")->required();
  cv->add_option("--target", a->target, "Binary target column (default: the schema's target)");
  cv->add_option("--event", a->event, "The target value that is the event (bad) (default: bad/1/yes, else the rarer)");
  cv->add_option("--folds", a->folds, "Number of folds")->capture_default_str();
  cv->add_option("--max-bins", a->max_bins, "Scorecard: most value bins per variable")->capture_default_str();
  cv->add_option("--min-iv", a->min_iv, "Scorecard: drop variables with less information value")
      ->capture_default_str();
  cv->add_option("--rounds", a->trees.num_rounds, "Trees: boosting rounds")->capture_default_str();
  cv->add_option("--learning-rate", a->trees.learning_rate, "Trees: learning rate")->capture_default_str();
  cv->add_option("--max-depth", a->trees.max_depth, "Trees: depth of each tree")->capture_default_str();
  cv->add_flag("--json", a->json, "Print JSON");
  AddDataOptions(*cv, a->data);
  cv->callback([a, &global] { RunCv(*a, global); });
}

}  // namespace finai::cli
