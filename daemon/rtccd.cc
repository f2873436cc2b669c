// rtccd: the RTCC facial-recognition request desk daemon. See README.md and DESIGN.md.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "config/config.h"
#include "daemon/daemon.h"

int main(int argc, char** argv) {
  CLI::App app{"rtccd - the RTCC facial recognition request desk daemon"};
  std::string config_path;
  int ticks = 0;
  bool verbose = false;
  app.add_option("-c,--config", config_path,
                 "configuration file (default $RTCC_CONFIG or /etc/rtcc/rtcc.toml)");
  app.add_option("--ticks", ticks, "stop after this many ticks (0: run until SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag(
      "--once", [&](std::int64_t) { ticks = 1; }, "run one tick and exit");
  app.add_flag("-v,--verbose", verbose, "debug logging");
  CLI11_PARSE(app, argc, argv);

  ::umask(077);  // spool, database and logs are never world-readable
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S%z rtccd[%P] %l: %v");
  if (verbose) spdlog::set_level(spdlog::level::debug);
  try {
    auto config = rtcc::config::LoadConfig(rtcc::config::ConfigPath(config_path));
    rtcc::daemon::Daemon daemon(config);
    return daemon.Run(ticks);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
