// Test support: one rtcc installation for integration tests — a temp dir, the loopback mail stack,
// an rtcc.toml pointing at it, the real rtccd and rtccctl binaries, and the store they share.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "casework/store.h"
#include "testing/mail_stack.h"

namespace rtcc::testing {

class RtccSite {
 public:
  // Creates `name` under the temp dir, starts the mail stack there and writes rtcc.toml with
  // `extra_rtcc` appended to the [rtcc] table (e.g. "poll_interval_seconds = 0.2\n"), the
  // `extra_imap` and `extra_smtp` keys to theirs, and `extra_sections` (whole tables, e.g.
  // "[outcomes]\n...") at the end. The roster: analysts "analyst" (the OS user running the
  // tests, analyst@pd.test), "second" (second@pd.test) and "detective" (detective@pd.test, who
  // also files requests), supervisor "sergeant".
  RtccSite(const std::string& name, const std::string& extra_rtcc = "",
           const std::string& extra_imap = "", const std::string& extra_smtp = "",
           const std::string& extra_sections = "");
  ~RtccSite();  // stops any daemon left running and the mail stack; keeps the dir on failure

  const MailStack& mail() const { return *stack_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path config() const { return dir_ / "rtcc.toml"; }

  // rtccctl with `args`; `env` is prepended to the shell command (e.g. "RTCC_CLOCK_OFFSET_SECONDS=
  // 86400": a day later by the casework clock).
  CommandResult Ctl(const std::string& args, const std::string& env = "") const;
  // Runs rtccd for `ticks` ticks in the foreground; its output is appended to rtccd.log.
  CommandResult Daemon(int ticks, const std::string& env = "") const;
  // Starts rtccd in the background (until StopDaemon / KillDaemon); output to rtccd.log. With
  // `wait_until_ready`, returns once rtccd said READY=1 (sd_notify: database open, gallery
  // loaded), or throws when it died first or after a minute.
  void StartDaemon(bool wait_until_ready = true);
  void KillDaemon();  // SIGKILL, as a crash
  void StopDaemon();  // SIGTERM, then wait
  bool DaemonRunning() const { return daemon_pid_ > 0; }
  pid_t daemon_pid() const { return daemon_pid_; }  // -1 when none was started
  // Whether the background rtccd is still alive (not exited, not killed). When it has ended, it
  // is reaped and `how` (if given) says how: "exit status 1", "signal 11 (Segmentation fault)".
  bool DaemonAlive(std::string* how = nullptr);

  casework::Store Store() const { return casework::Store(dir_ / "data/rtcc.sqlite"); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<MailStack> stack_;
  pid_t daemon_pid_ = -1;
};

}  // namespace rtcc::testing
