#include "testing/rtcc_site.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string_view>
#include <vector>

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

void RtccSite::StartDaemon(bool wait_until_ready) {
  if (daemon_pid_ > 0) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string log = (dir_ / "rtccd.log").string();
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string cfg = config().string();
  std::string bin = RTCCD_PATH;
  char* argv[] = {bin.data(), const_cast<char*>("--config"), cfg.data(), nullptr};
  // rtccd tells systemd READY=1 on $NOTIFY_SOCKET once it can work: listen as systemd does.
  std::string socket_path = (dir_ / "notify.sock").string();
  ::unlink(socket_path.c_str());
  int listener = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("cannot listen on " + socket_path);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("NOTIFY_SOCKET=", 0) != 0) env_strings.emplace_back(*e);
  env_strings.push_back("NOTIFY_SOCKET=" + socket_path);
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ::close(listener);
    throw std::runtime_error("cannot start rtccd");
  }
  daemon_pid_ = pid;
  bool ready = !wait_until_ready;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
       !ready && std::chrono::steady_clock::now() < deadline;) {
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) {
      if (::waitpid(pid, nullptr, WNOHANG) == pid) {  // it died before it was ready
        daemon_pid_ = -1;
        break;
      }
      continue;
    }
    char buffer[512];
    ssize_t n = ::recv(listener, buffer, sizeof buffer - 1, 0);
    ready = n > 0 && std::string_view(buffer, static_cast<std::size_t>(n)).find("READY=1") !=
                         std::string_view::npos;
  }
  ::close(listener);
  if (!ready) {
    KillDaemon();
    throw std::runtime_error("rtccd did not become ready (see " + log + ")");
  }
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
