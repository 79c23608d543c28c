// `finai import --from xgboost|lightgbm FILE -o MODEL.json`: converts a bank's XGBoost JSON or LightGBM text model into
// a finai model file (gbdt::ImportXgboostJson / ImportLightgbmText, then SaveModel), so that predict, evaluate,
// explain and fairness work on it from the command line. docs/import.md lists what each library maps to.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "finai/core/error.hpp"
#include "finai/core/file.hpp"
#include "finai/models/gbdt/import.hpp"
#include "finai/models/gbdt/model_io.hpp"

namespace finai::cli {

namespace {

struct ImportArgs {
  std::string from;
  std::string input;
  std::string output;
};

void RunImport(const ImportArgs& a) {
  if (a.from != "xgboost" && a.from != "lightgbm") {
    throw InvalidArgument("unknown source library", {.field = "--from", .field_kind = "option", .value = a.from,
                                                     .expected = "xgboost (model JSON) or lightgbm (model.txt)"});
  }
  const std::string text = ReadFileToString(a.input);  // NotFound (66) for a missing file
  const gbdt::GbdtModel model =
      a.from == "xgboost" ? gbdt::ImportXgboostJson(text, a.input) : gbdt::ImportLightgbmText(text, a.input);
  gbdt::SaveModel(model, a.output);
  std::printf("imported %s model %s: %zu trees, %zu features, %s -> %s\n", a.from.c_str(), a.input.c_str(),
              model.trees.size(), model.features.size(),
              model.num_classes > 1 ? (std::to_string(model.num_classes) + " classes").c_str()
              : model.objective == gbdt::ObjectiveKind::kBinaryLogLoss ? "binary"
                                                                       : "regression",
              a.output.c_str());
}

}  // namespace

void RegisterImport(CLI::App& app, GlobalOptions& /*global*/) {
  auto a = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand("import", "Convert an XGBoost JSON or LightGBM text model to a finai model file");
  cmd->add_option("--from", a->from, "Library that saved the model: xgboost (JSON) or lightgbm (model.txt)")
      ->required();
  cmd->add_option("file", a->input, "The model file to import")->required();
  cmd->add_option("-o,--output", a->output, "finai model file to write (.json or .fgb)")->required();
  cmd->callback([a] { RunImport(*a); });
}

}  // namespace finai::cli
