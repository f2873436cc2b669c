// rtcc's configuration: one TOML file (systemd/rtcc.toml.example documents every key) read by both
// rtccd and rtccctl. Secrets are never in it: passwords come from a file or the environment.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
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
  // A message whose processing crashed the daemon or failed this many times is moved here, never
  // deleted, with an event in the trail (issue 9: one poison message must not stop intake).
  std::string failed_folder = "rtcc-failed";
  int max_attempts = 3;
  // A message larger than this is not downloaded: its header is recorded, the sender is told,
  // and the message itself stays on the server (moved to the processed folder).
  std::int64_t max_message_bytes = 25 * 1024 * 1024;
  int batch_size = 50;  // messages taken per poll; a bigger inbox is worked through poll by poll
};

// How rtcc learns that a reply whose send was interrupted did go out (so it is never sent twice).
enum class SentCopy {
  kServer,  // the provider files submitted mail in the Sent folder (Microsoft 365, Gmail)
  kAppend,  // rtcc appends each sent message to the Sent folder itself
  kNone,    // no copy: an interrupted send is repeated
};

struct SenderSettings {
  mail::ServerConfig server;
  std::string from;  // addr-spec of the RTCC mailbox
  std::string from_name = "Real Time Crime Center";
  std::string signature = "Real Time Crime Center";
  std::string sent_folder = "Sent";
  SentCopy sent_copy = SentCopy::kServer;
  // A send interrupted after the hand-over is checked (and, if not found, repeated) only after
  // this long: the provider files its copy in the Sent folder a moment after accepting.
  int resend_after_seconds = 60;
};

// [senders] require_authentication: whether the receiving server's Authentication-Results
// (written by `authserv_id`) must vouch for a sender on the allow-list, so that a forged From
// cannot file a request.
enum class SenderAuthentication {
  kNone,   // absent (""): not required
  kDkim,   // "dkim": an aligned DKIM pass
  kDmarc,  // "dmarc": a DMARC pass suffices too
};
std::string_view ToString(SenderAuthentication required);  // "", "dkim", "dmarc"
std::optional<SenderAuthentication> ParseSenderAuthentication(std::string_view text);

// Policy 4.5: who may file requests.
struct SenderRules {
  std::vector<std::string> allowed_domains;
  std::vector<std::string> allowed_addresses;
  SenderAuthentication require_authentication = SenderAuthentication::kNone;
  std::string authserv_id;
  // The receiving server is Exchange Online (Microsoft 365), which writes its field with no
  // authserv-id at all: the topmost field without one is read instead. Exclusive with
  // `authserv_id`.
  bool exchange_online = false;
};

struct Config {
  std::filesystem::path path;  // the file it was read from
  std::filesystem::path data_dir;
  std::filesystem::path templates_dir;
  double poll_interval_seconds = 30;
  // Secret for the reply tokens in rtcc's Message-IDs; created on first start when missing.
  std::filesystem::path reply_token_secret_file;
  int max_automatic_replies_per_request = 10;  // stops any mail loop
  int max_probes_per_message = 20;  // photographs searched per message; the rest named as unused
  // The department's incident numbers (mail/incident_number.h): Y year digit, N digit, A letter.
  std::string incident_number_format = "YY-NNNNNN";

  MailboxSettings imap;
  SenderSettings smtp;

  SenderRules senders;
  std::vector<std::string> analysts;     // may approve and deny
  std::vector<std::string> supervisors;  // analysts' rights, and audits
  // [roster.os_users]: OS user -> roster name (rtccctl knows who runs it without being told).
  std::map<std::string, std::string> roster_os_users;
  // [roster.emails]: roster name -> e-mail address (nobody approves a request they filed).
  std::map<std::string, std::string> roster_emails;

  // [policy.prohibited_phrases]: clause = "phrase, phrase*, ..." (policy 4.5.2). Empty: the
  // built-in list (casework/policy.h DefaultProhibitedPhrases). Pairs of (phrase, clause).
  std::vector<std::pair<std::string, std::string>> prohibited_phrases;
  // [outcomes]: policy 4.5.3.3 — remind the requestor after this many days without an outcome,
  // at most this many times; after the first reminder the outcome is listed as overdue.
  int outcome_reminder_days = 14;
  int outcome_max_reminders = 2;
  // [retention]: probe images and raw messages are removed this many days after a request is
  // closed, denied or withdrawn (0: never). The search log rows are kept.
  int retention_days = 365;

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
