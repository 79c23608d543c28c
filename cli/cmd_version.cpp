#include <cstdio>

#include <nlohmann/json.hpp>

#include "commands.hpp"

namespace finai::cli {

void RegisterVersion(CLI::App& app, GlobalOptions& /*global*/) {
  auto* cmd = app.add_subcommand("version", "Show the version, build type and compute backends");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([json] {
    const char* backends = "cpu (OpenMP)";  // the CUDA backend will add "cuda" here when built with it
    if (*json) {
      nlohmann::ordered_json out{{"version", FINAI_VERSION}, {"build_type", FINAI_BUILD_TYPE},
                                 {"backends", nlohmann::json::array({"cpu"})},
                                 {"compiler", __VERSION__}};
      std::printf("%s\n", out.dump(2).c_str());
      return;
    }
    std::printf("finai %s\nbuild type: %s\nbackends: %s\ncompiler: %s\n", FINAI_VERSION, FINAI_BUILD_TYPE, backends,
                __VERSION__);
  });
}

}  // namespace finai::cli
