// `finai profile FILE [--target T]`: what a data set holds and how each column relates to the target.
#include <cstdio>

#include "commands.hpp"
#include "finai/analytics/profile.hpp"

namespace finai::cli {

namespace {
struct ProfileArgs {
  std::string file;
  DataOptions data;
  ProfileOptions profile;
  bool json = false;
  bool bins = false;
};
}  // namespace

void RegisterProfile(CLI::App& app, GlobalOptions& global) {
  auto args = std::make_shared<ProfileArgs>();
  auto* cmd = app.add_subcommand("profile", "Profile a data set: types, missing values, distributions, target "
                                            "event rates and information value, data-quality warnings");
  cmd->add_option("file", args->file, "CSV file")->required();
  cmd->add_option("--target", args->profile.target, "Binary target column (default: the schema's target)");
  cmd->add_option("--event", args->profile.event, "The target value that is the event (default: bad/1/yes, "
                                                  "else the rarer value)");
  cmd->add_option("--target-bins", args->profile.target_bins, "Bins per numeric column for event rates");
  cmd->add_flag("--bins", args->bins, "Show each column's bins: rows, events, event rate, WoE");
  cmd->add_flag("--json", args->json, "Print JSON");
  AddDataOptions(*cmd, args->data);
  cmd->callback([args, &global] {
    const Context ctx = MakeContext(global);
    const CsvTable table = LoadData(args->file, args->data, ctx);
    ProfileOptions options = args->profile;
    if (options.target.empty()) options.target = table.schema.SingleWithRole(Role::kTarget).value_or("");
    const DataProfile profile = ProfileFrame(table.frame, args->file, options, ctx);
    const std::string text = args->json ? ProfileToJson(profile) : FormatProfile(profile, args->bins);
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (args->json) std::fputc('\n', stdout);
    PrintLoadReport(table.report);
  });
}

}  // namespace finai::cli
