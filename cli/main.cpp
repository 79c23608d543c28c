// finai's command line: `finai <verb> ...`. Each verb lives in its own file (cli/cmd_*.cpp); this file
// wires them up and turns errors into messages and exit codes.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "commands.hpp"
#include "finai/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"finai: trustworthy models for banking decisions (data, training, explanations, fairness, risk)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("finai ") + FINAI_VERSION);
  finai::cli::GlobalOptions global;
  finai::cli::AddGlobalOptions(app, global);
  finai::cli::RegisterVersion(app, global);
  finai::cli::RegisterRead(app, global);
  finai::cli::RegisterProfile(app, global);
  finai::cli::RegisterTrain(app, global);
  finai::cli::RegisterModelVerbs(app, global);
  finai::cli::RegisterValidate(app, global);
  finai::cli::RegisterRisk(app, global);
  finai::cli::RegisterScorecard(app, global);
  finai::cli::RegisterFairness(app, global);
  finai::cli::RegisterExplain(app, global);
  finai::cli::RegisterImport(app, global);
  try {
    // CLI11 would report an unknown verb as "A subcommand is required"; name it instead.
    std::string verbs;
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
      verbs += (verbs.empty() ? "" : ", ") + sub->get_name();
      known |= argc > 1 && sub->get_name() == argv[1];
    }
    if (argc > 1 && argv[1][0] != '-' && !known) {
      throw finai::InvalidArgument("unknown verb", {.value = argv[1], .expected = "one of " + verbs});
    }
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "finai: %s\nRun with --help for usage.\n", e.what());
    return finai::ExitCodeFor(finai::ErrorKind::kInvalidArgument);
  } catch (const finai::Error& e) {
    std::fprintf(stderr, "finai: error: %s\n", e.what());
    return finai::ExitCodeFor(e.kind());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "finai: error: out of memory\n");
    return finai::ExitCodeFor(finai::ErrorKind::kIoError);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finai: internal error: %s (this is a bug in finai; please report it)\n", e.what());
    return finai::ExitCodeFor(finai::ErrorKind::kInternal);
  }
}
