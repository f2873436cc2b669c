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

#include "casework/workflow.h"
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

// What an operator may do (policy 4.5, 4.5.5): analysts decide and re-search; supervisors may
// also audit and purge. Reading the casework needs a place on the roster too.
enum class Role { kRoster, kAnalyst, kSupervisor };

struct CommandContext {
  std::string config_path;  // --config; empty: $RTCC_CONFIG or /etc/rtcc/rtcc.toml
  bool json = false;        // --json: machine-readable output for scripts
  std::string as;           // --as NAME: the operator's roster name, checked against the roster

  // Loads the configuration and makes sure its data directory exists, private (0700).
  config::Config LoadConfig() const;

  // Who runs this command: `explicit_name` (or --as) checked against the roster, else the OS
  // user mapped by [roster.os_users], else the OS user's own name if it is on the roster. Throws
  // Refused when that person is not on the roster or lacks `role`.
  casework::Operator Identify(const config::Config& config, Role role,
                              const std::string& explicit_name = "") const;
};

}  // namespace rtcc::cli
