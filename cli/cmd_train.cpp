// `finai train`: fit a gradient-boosted tree model on a data file and save it.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/core/random.hpp"
#include "finai/data/dataset_cache.hpp"
#include "finai/data/split.hpp"
#include "finai/models/gbdt/model_io.hpp"
#include "finai/models/gbdt/train.hpp"

namespace finai::cli {

namespace {
struct TrainArgs {
  std::string file;
  std::string target;
  std::string valid_file;
  double valid_fraction = 0;
  std::string params_file;
  std::string output;
  std::string event;
  DataOptions data;
  bool json = false;
  int log_every = 0;
  // Overrides of the parameter file (unset: keep the file's or the default value).
  std::optional<int> rounds, max_depth, max_leaves, early_stopping;
  std::optional<double> learning_rate;
  std::optional<std::string> grow_policy, objective;
};

gbdt::GbdtParams ResolveParams(const TrainArgs& a, std::uint64_t seed) {
  gbdt::GbdtParams p = a.params_file.empty() ? gbdt::GbdtParams{}
                                             : gbdt::ParseParams(ReadFileToString(a.params_file), a.params_file);
  if (a.params_file.empty()) p.seed = seed;
  if (a.objective) p.objective = gbdt::ParseObjective(*a.objective);
  if (a.rounds) p.num_rounds = *a.rounds;
  if (a.learning_rate) p.learning_rate = *a.learning_rate;
  if (a.max_depth) p.max_depth = *a.max_depth;
  if (a.max_leaves) p.max_leaves = *a.max_leaves;
  if (a.early_stopping) p.early_stopping_rounds = *a.early_stopping;
  if (a.grow_policy) {
    if (*a.grow_policy == "depthwise") p.grow_policy = gbdt::GrowPolicy::kDepthWise;
    else if (*a.grow_policy == "leafwise") p.grow_policy = gbdt::GrowPolicy::kLeafWise;
    else throw InvalidArgument("unknown grow policy", {.field = "--grow-policy", .value = *a.grow_policy,
                                                       .expected = "depthwise or leafwise"});
  }
  p.Validate();
  return p;
}

// A random hold-out for targets that cannot be stratified (regression).
TrainTest RandomHoldout(std::int64_t rows, double fraction, std::uint64_t seed) {
  Rng rng(seed, 0x5eed);
  TrainTest out;
  for (std::int64_t r = 0; r < rows; ++r) (rng.Uniform() < fraction ? out.test : out.train).push_back(r);
  return out;
}

// Logs the validation metric every few rounds of training (the progress bar shows it live on a terminal).
class RoundLogger final : public ProgressSink {
 public:
  RoundLogger(std::shared_ptr<ProgressSink> inner, int every) : inner_(std::move(inner)), every_(every) {}
  void Begin(std::string_view label, std::int64_t total) override {
    training_ = label == "training";
    if (inner_) inner_->Begin(label, total);
  }
  void Update(std::int64_t done, std::string_view note) override {
    if (inner_) inner_->Update(done, note);
    if (training_ && done % every_ == 0) {
      std::fprintf(stderr, "round %lld: %.*s\n", static_cast<long long>(done), static_cast<int>(note.size()), note.data());
    }
  }
  void End() override {
    if (inner_) inner_->End();
  }

 private:
  std::shared_ptr<ProgressSink> inner_;
  int every_;
  bool training_ = false;
};

void RunTrain(const TrainArgs& a, const GlobalOptions& global) {
  Context ctx = MakeContext(global);
  if (a.log_every > 0) ctx.set_progress_sink(std::make_shared<RoundLogger>(ctx.progress_sink(), a.log_every));
  const gbdt::GbdtParams params = ResolveParams(a, global.seed);
  CsvTable table = LoadData(a.file, a.data, ctx);
  gbdt::TrainOptions options{.target = a.target, .event = a.event, .training_data_name = a.file};
  Frame train = std::move(table.frame);
  std::optional<Frame> valid;
  if (!a.valid_file.empty()) {
    valid = LoadData(a.valid_file, a.data, ctx).frame;
  } else if (a.valid_fraction > 0) {
    const std::string target = !a.target.empty() ? a.target : table.schema.SingleWithRole(Role::kTarget).value_or("");
    if (target.empty()) throw InvalidArgument("no target column", {.field = "--target"});
    const TrainTest split = params.objective == gbdt::ObjectiveKind::kSquaredError
                                ? RandomHoldout(train.num_rows(), a.valid_fraction, global.seed)
                                : StratifiedSplit(train.column(target), a.valid_fraction, global.seed);
    valid = train.Take(split.test);
    train = train.Take(split.train);
  }
  const auto start = std::chrono::steady_clock::now();
  gbdt::TrainResult result = gbdt::Train(train, table.schema, options, params, ctx, valid ? &*valid : nullptr);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.model.provenance.training_fingerprint = fmt::format("{:016x}", HashFile(a.file));
  if (!a.output.empty()) gbdt::SaveModel(result.model, a.output);
  const double best = result.history.empty() ? std::nan("")
                      : result.history[static_cast<std::size_t>(result.best_iteration - 1)].valid;
  if (a.json) {
    nlohmann::ordered_json out{{"rows", train.num_rows()}, {"features", result.model.features.size()},
                               {"rounds", result.best_iteration}, {"trees", result.model.trees.size()},
                               {"metric", result.metric}, {"seconds", seconds}};
    if (valid) out["valid_" + result.metric] = best;
    if (!a.output.empty()) out["model"] = a.output;
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("trained %zu trees on %lld rows x %zu features in %.2f s\n", result.model.trees.size(),
                static_cast<long long>(train.num_rows()), result.model.features.size(), seconds);
    if (valid) {
      std::printf("validation (%lld rows): %s %.6f at round %d\n", static_cast<long long>(valid->num_rows()),
                  result.metric.c_str(), best, result.best_iteration);
    }
    if (!a.output.empty()) std::printf("model written to %s\n", a.output.c_str());
  }
  PrintLoadReport(table.report);
}
}  // namespace

void RegisterTrain(CLI::App& app, GlobalOptions& global) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "Train a gradient-boosted tree model (binary, regression, multiclass)");
  cmd->add_option("file", a->file, "Training data (CSV)")->required();
  cmd->add_option("--target", a->target, "Target column (default: the schema's target)");
  cmd->add_option("--event", a->event, "Binary target: the value that is the event");
  cmd->add_option("--valid", a->valid_file, "Validation data (CSV) for early stopping and the reported metric");
  cmd->add_option("--valid-fraction", a->valid_fraction, "Hold out this share of the training rows (stratified)")
      ->check(CLI::Range(0.0, 0.9));
  cmd->add_option("--params", a->params_file, "Parameter file (JSON; docs/gbdt.md lists every key)");
  cmd->add_option("--objective", a->objective, "binary, regression or multiclass");
  cmd->add_option("--rounds", a->rounds, "Boosting rounds");
  cmd->add_option("--learning-rate", a->learning_rate, "Learning rate");
  cmd->add_option("--max-depth", a->max_depth, "Maximum depth");
  cmd->add_option("--max-leaves", a->max_leaves, "Maximum leaves per tree (leaf-wise growth)");
  cmd->add_option("--grow-policy", a->grow_policy, "depthwise or leafwise");
  cmd->add_option("--early-stopping", a->early_stopping, "Stop after this many rounds without improvement");
  cmd->add_option("--log-every", a->log_every, "Print the validation metric every N rounds");
  cmd->add_option("-o,--output", a->output, "Where to write the model (.json or .fgb)");
  cmd->add_flag("--json", a->json, "Print JSON");
  AddDataOptions(*cmd, a->data);
  cmd->callback([a, &global] { RunTrain(*a, global); });
}

}  // namespace finai::cli
