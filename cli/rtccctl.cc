// rtccctl: the analysts' and supervisors' command line. It acts on the same database as rtccd;
// rtccd runs approved searches and sends every reply on its next tick. Exit codes: see
// cli/command_context.h.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "casework/workflow.h"
#include "cli/audit_commands.h"
#include "cli/command_context.h"
#include "cli/gallery_commands.h"
#include "cli/request_commands.h"

int main(int argc, char** argv) {
  using namespace rtcc::cli;
  CLI::App app{"rtccctl - review, approve and audit RTCC facial recognition requests"};
  app.require_subcommand(1);
  app.fallthrough();  // --as, --json and --config also after the subcommand
  CommandContext context;
  app.add_option("-c,--config", context.config_path,
                 "configuration file (default $RTCC_CONFIG or /etc/rtcc/rtcc.toml)");
  app.add_flag("--json", context.json, "machine-readable output (JSON) for scripts");
  app.add_option("--as", context.as,
                 "your name on the roster (default: your OS user, mapped in [roster.os_users])");
  AddRequestCommands(app, context);
  AddGalleryCommands(app, context);
  AddAuditCommands(app, context);

  ::umask(077);
  spdlog::set_level(spdlog::level::warn);
  try {
    app.parse(argc, argv);  // the chosen command runs here, as its callback
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const Refused& e) {
    std::cerr << "rtccctl: refused: " << e.what() << "\n";
    return kExitRefused;
  } catch (const rtcc::casework::WorkflowError& e) {
    std::cerr << "rtccctl: refused: " << e.what() << "\n";
    return kExitRefused;
  } catch (const TrailBroken& e) {
    std::cerr << "rtccctl: " << e.what() << "\n";
    return kExitTrailBroken;
  } catch (const NotFound& e) {
    std::cerr << "rtccctl: " << e.what() << "\n";
    return kExitNotFound;
  } catch (const std::exception& e) {
    std::cerr << "rtccctl: " << e.what() << "\n";
    return kExitError;
  }
}
