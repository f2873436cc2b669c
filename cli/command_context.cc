#include "cli/command_context.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace rtcc::cli {

config::Config CommandContext::LoadConfig() const {
  auto config = config::LoadConfig(config::ConfigPath(config_path));
  std::filesystem::create_directories(config.data_dir);
  ::chmod(config.data_dir.c_str(), 0700);
  return config;
}

casework::Operator CommandContext::Identify(const config::Config& config, Role role,
                                            const std::string& explicit_name) const {
  auto on = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  std::string name = !explicit_name.empty() ? explicit_name : as;
  std::string how = "given";
  if (name.empty()) {
    const passwd* pw = ::getpwuid(::geteuid());
    std::string os_user = pw ? pw->pw_name : std::to_string(::geteuid());
    auto mapped = config.roster_os_users.find(os_user);
    name = mapped != config.roster_os_users.end() ? mapped->second : os_user;
    how = "OS user '" + os_user + "'";
  }
  const bool supervisor = on(config.supervisors, name);
  const bool analyst = supervisor || on(config.analysts, name);
  if (!analyst)
    throw Refused("policy 4.5: '" + name + "' (" + how +
                  ") is not an authorized RTCC analyst or supervisor (roster in " +
                  config.path.string() + "; map OS users in [roster.os_users] or use --as NAME)");
  if (role == Role::kSupervisor && !supervisor)
    throw Refused("policy 4.5.5: '" + name + "' is not a supervisor; audits and purges are theirs");
  auto email = config.roster_emails.find(name);
  return casework::Operator(name, email != config.roster_emails.end() ? email->second : "",
                            supervisor);
}

}  // namespace rtcc::cli
