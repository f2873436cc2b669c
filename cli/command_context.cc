#include "cli/command_context.h"

#include <sys/stat.h>

#include <filesystem>

namespace rtcc::cli {

config::Config CommandContext::LoadConfig() const {
  auto config = config::LoadConfig(config::ConfigPath(config_path));
  std::filesystem::create_directories(config.data_dir);
  ::chmod(config.data_dir.c_str(), 0700);
  return config;
}

}  // namespace rtcc::cli
