// rtccctl's supervisor commands (policy 4.5.5): `audit verify [--head HASH]` and
// `audit report --month YYYY-MM [--format html|csv|json] [--output FILE]`.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>

#include "cli/command_context.h"

namespace rtcc::cli {

// Exit code of `audit verify` when the audit trail does not verify (edited, removed or truncated
// rows): the other codes are in cli/command_context.h.
constexpr int kExitTrailBroken = 5;

// The audit trail does not verify (exit 5). what() names the first broken row and the problem.
class TrailBroken : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Adds the `audit` subcommands to `app`; each runs as its callback while `app` parses, throwing
// the errors of cli/command_context.h, CLI::ValidationError for bad usage (a month not YYYY-MM),
// and TrailBroken. `context` must outlive the parse.
void AddAuditCommands(CLI::App& app, const CommandContext& context);

}  // namespace rtcc::cli
