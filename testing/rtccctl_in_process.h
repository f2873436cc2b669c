// rtccctl's commands run in-process, as rtccctl parses them, against a fresh configuration and
// data directory per test: the roster has "analyst" (analyst) and "supervisor" (supervisor), the
// senders allowed are those of pd.test; mail settings point nowhere (nothing is sent).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "cli/command_context.h"

namespace rtcc::testing {

class RtccctlInProcess : public ::testing::Test {
 protected:
  // `add_commands` adds the command group under test (e.g. cli::AddAuditCommands).
  explicit RtccctlInProcess(std::function<void(CLI::App&, const cli::CommandContext&)> add_commands)
      : add_commands_(std::move(add_commands)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-ctl-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "data");
    std::ofstream(dir_ / "imap.pw") << "secret\n";
    std::ofstream(dir_ / "smtp.pw") << "secret\n";
    std::ofstream(dir_ / "rtcc.toml")
        << "[rtcc]\ndata_dir = \"data\"\n"
        << "[imap]\nurl = \"imaps://mail.example.org:993\"\nuser = \"rtcc@pd.test\"\n"
        << "password_file = \"imap.pw\"\n"
        << "[smtp]\nurl = \"smtps://mail.example.org:465\"\nuser = \"rtcc@pd.test\"\n"
        << "password_file = \"smtp.pw\"\nfrom = \"rtcc@pd.test\"\n"
        << "[senders]\nallowed_domains = [\"pd.test\"]\n"
        << "[roster]\nanalysts = [\"analyst\"]\nsupervisors = [\"supervisor\"]\n";
    context_.config_path = (dir_ / "rtcc.toml").string();
    context_.as = "supervisor";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The casework database of the configuration.
  std::filesystem::path DatabasePath() const { return dir_ / "data" / "rtcc.sqlite"; }

  // Runs `rtccctl [--json] <args>` and returns what it printed on stdout (also kept in out_ when
  // the command throws, as rtccctl would have printed it before exiting).
  std::string Run(const std::string& args) {
    CLI::App app;
    app.add_flag("--json", context_.json);
    add_commands_(app, context_);
    ::testing::internal::CaptureStdout();
    try {
      app.parse(args);
    } catch (...) {
      out_ = ::testing::internal::GetCapturedStdout();
      throw;
    }
    out_ = ::testing::internal::GetCapturedStdout();
    return out_;
  }

  std::filesystem::path dir_;
  cli::CommandContext context_;
  std::string out_;

 private:
  std::function<void(CLI::App&, const cli::CommandContext&)> add_commands_;
};

}  // namespace rtcc::testing
