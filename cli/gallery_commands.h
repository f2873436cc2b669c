// rtccctl's matcher commands: `gallery enroll|remove|stats` and `eval-pairs`.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace rtcc::cli {

// Adds the subcommands to `app`; each runs as its callback while `app` parses, throwing the
// errors of cli/command_context.h. `context` must outlive the parse.
void AddGalleryCommands(CLI::App& app, const CommandContext& context);

}  // namespace rtcc::cli
