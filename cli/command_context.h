// What every rtccctl command shares: the configuration it acts on, the output format, and the
// errors that map to rtccctl's exit codes.
//
// Exit codes: 0 done; 1 error (configuration, database, models); 2 bad usage;
// 3 refused by the workflow or the policy (e.g. approving a request that is not pending, or an
// operator not on the roster); 4 no such request; 5 the audit trail does not verify
// (cli/audit_commands.h).
#pragma once

#include <stdexcept>
#include <string>

#include "config/config.h"

namespace rtcc::cli {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRefused = 3;
constexpr int kExitNotFound = 4;

// The workflow or the policy says no (exit 3).
class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// No such request, search or subject (exit 4).
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CommandContext {
  std::string config_path;  // --config; empty: $RTCC_CONFIG or /etc/rtcc/rtcc.toml
  bool json = false;        // --json: machine-readable output for scripts

  // Loads the configuration and makes sure its data directory exists, private (0700).
  config::Config LoadConfig() const;
};

}  // namespace rtcc::cli
