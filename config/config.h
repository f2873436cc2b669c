// rtcc's configuration: one TOML file (systemd/rtcc.toml.example documents every key) read by both
// rtccd and rtccctl. Secrets are never in it: passwords come from a file or the environment.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "mail/mail_transport.h"
#include "matcher/face_engine.h"

namespace rtcc::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MailboxSettings {
  mail::ServerConfig server;
  std::string inbox = "INBOX";
  std::string processed_folder = "rtcc-processed";
  std::string quarantine_folder = "rtcc-quarantine";
};

struct SenderSettings {
  mail::ServerConfig server;
  std::string from;  // addr-spec of the RTCC mailbox
  std::string from_name = "Real Time Crime Center";
  std::string signature = "Real Time Crime Center";
};

struct Config {
  std::filesystem::path path;  // the file it was read from
  std::filesystem::path data_dir;
  std::filesystem::path templates_dir;
  int poll_interval_seconds = 30;

  MailboxSettings imap;
  SenderSettings smtp;

  std::vector<std::string> allowed_sender_domains;  // policy 4.5
  std::vector<std::string> allowed_sender_addresses;
  std::vector<std::string> analysts;     // may approve and deny
  std::vector<std::string> supervisors;  // analysts' rights, and audits

  matcher::EngineOptions engine;
  double match_threshold = 0.6;

  std::filesystem::path database_path() const { return data_dir / "rtcc.sqlite"; }
  std::filesystem::path gallery_path() const { return data_dir / "gallery.sqlite"; }
  std::filesystem::path spool_dir() const { return data_dir / "spool"; }
};

// Reads and checks `path`. Throws ConfigError with the file, the key and what is wrong. Relative
// paths in the file are relative to the file's directory. Passwords: `password_file` in [imap] or
// [smtp], or the environment variables RTCC_IMAP_PASSWORD / RTCC_SMTP_PASSWORD; a `password` key
// in the file is refused.
Config LoadConfig(const std::filesystem::path& path);

// The config file to use: `explicit_path` if set, else $RTCC_CONFIG, else /etc/rtcc/rtcc.toml.
std::filesystem::path ConfigPath(const std::string& explicit_path);

}  // namespace rtcc::config
