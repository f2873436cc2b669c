#include "tests/rtcc_site.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

extern char** environ;

namespace rtcc::testing {
namespace {

std::string OsUser() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw ? pw->pw_name : "root";
}

}  // namespace

RtccSite::RtccSite(const std::string& name, const std::string& extra_rtcc,
                   const std::string& extra_imap, const std::string& extra_smtp,
                   const std::string& extra_sections) {
  dir_ =
      std::filesystem::temp_directory_path() / ("rtcc-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  stack_ = std::make_unique<MailStack>(dir_ / "mail");
  const MailStack& s = *stack_;
  std::ofstream(config()) << "[rtcc]\n"
                          << "data_dir = \"" << (dir_ / "data").string() << "\"\n"
                          << "templates_dir = \"" << RTCC_TEMPLATES_DIR << "\"\n"
                          << (extra_rtcc.find("poll_interval_seconds") == std::string::npos
                                  ? "poll_interval_seconds = 1\n"
                                  : "")
                          << extra_rtcc << "[imap]\n"
                          << "url = \"imap://127.0.0.1:" << s.Get("IMAP_PORT")
                          << "\"\n"  // STARTTLS
                          << "user = \"" << s.Get("RTCC_USER") << "\"\n"
                          << "password_file = \"" << (dir_ / "mail/rtcc.password").string()
                          << "\"\n"
                          << "ca_file = \"" << s.Get("CA_FILE") << "\"\n"
                          << extra_imap << "[smtp]\n"
                          << "url = \"smtp://127.0.0.1:" << s.Get("SUBMISSION_PORT")
                          << "/rtcc.pd.test\"\n"
                          << "user = \"" << s.Get("RTCC_USER") << "\"\n"
                          << "password_file = \"" << (dir_ / "mail/rtcc.password").string()
                          << "\"\n"
                          << "ca_file = \"" << s.Get("CA_FILE") << "\"\n"
                          << "from = \"rtcc@pd.test\"\n"
                          << extra_smtp << "[senders]\nallowed_domains = [\"pd.test\"]\n"
                          << "[roster]\nanalysts = [\"analyst\", \"second\", \"detective\"]\n"
                          << "supervisors = [\"sergeant\"]\n"
                          << "[roster.os_users]\n"
                          << OsUser() << " = \"analyst\"\n"
                          << "[roster.emails]\nanalyst = \"analyst@pd.test\"\n"
                          << "second = \"second@pd.test\"\n"
                          << "detective = \"detective@pd.test\"\n"
                          << extra_sections;
}

RtccSite::~RtccSite() {
  if (daemon_pid_ > 0) KillDaemon();
  stack_.reset();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
}

CommandResult RtccSite::Ctl(const std::string& args, const std::string& env) const {
  return RunCommand(env + " " + RTCCCTL_PATH + " --config " + config().string() + " " + args);
}

CommandResult RtccSite::Daemon(int ticks, const std::string& env) const {
  auto r = RunCommand(env + " " + RTCCD_PATH + " --config " + config().string() + " --ticks " +
                      std::to_string(ticks));
  std::ofstream(dir_ / "rtccd.log", std::ios::app) << r.output;
  return r;
}

void RtccSite::StartDaemon() {
  if (daemon_pid_ > 0) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string log = (dir_ / "rtccd.log").string();
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string cfg = config().string();
  std::string bin = RTCCD_PATH;
  char* argv[] = {bin.data(), const_cast<char*>("--config"), cfg.data(), nullptr};
  pid_t pid;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start rtccd");
  daemon_pid_ = pid;
}

bool RtccSite::DaemonAlive(std::string* how) {
  if (daemon_pid_ <= 0) {
    if (how) *how = "not started";
    return false;
  }
  int status = 0;
  pid_t r = ::waitpid(daemon_pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (how) {
    if (r < 0)
      *how = "waitpid failed";
    else if (WIFSIGNALED(status))
      *how =
          "signal " + std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) + ")";
    else
      *how = "exit status " + std::to_string(WEXITSTATUS(status));
  }
  daemon_pid_ = -1;
  return false;
}

void RtccSite::KillDaemon() {
  if (daemon_pid_ <= 0) return;
  ::kill(daemon_pid_, SIGKILL);
  ::waitpid(daemon_pid_, nullptr, 0);
  daemon_pid_ = -1;
}

void RtccSite::StopDaemon() {
  if (daemon_pid_ <= 0) return;
  ::kill(daemon_pid_, SIGTERM);
  ::waitpid(daemon_pid_, nullptr, 0);
  daemon_pid_ = -1;
}

}  // namespace rtcc::testing
