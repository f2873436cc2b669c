#include "config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "base/enum_names.h"
#include "mail/incident_number.h"

namespace rtcc::config {
namespace {

class Reader {
 public:
  Reader(const toml::table& root, std::filesystem::path file)
      : root_(root), file_(std::move(file)) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& what) const {
    throw ConfigError(file_.string() + ": " + key + ": " + what);
  }

  std::string String(const std::string& key, const std::string& fallback,
                     bool required = false) const {
    auto node = root_.at_path(key);
    if (!node) {
      if (required) Fail(key, "required");
      return fallback;
    }
    if (!node.is_string()) Fail(key, "must be a string");
    return *node.value<std::string>();
  }

  std::filesystem::path Path(const std::string& key, const std::string& fallback,
                             bool required = false) const {
    std::string value = String(key, fallback, required);
    if (value.empty()) return {};
    std::filesystem::path p(value);
    return p.is_absolute() ? p : file_.parent_path() / p;
  }

  long Int(const std::string& key, long fallback, long min, long max) const {
    auto node = root_.at_path(key);
    if (!node) return fallback;
    if (!node.is_integer()) Fail(key, "must be an integer");
    long v = static_cast<long>(*node.value<int64_t>());
    if (v < min || v > max)
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
  }

  double Double(const std::string& key, double fallback, double min, double max) const {
    auto node = root_.at_path(key);
    if (!node) return fallback;
    if (!node.is_floating_point() && !node.is_integer()) Fail(key, "must be a number");
    double v = *node.value<double>();
    if (v < min || v > max)
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return v;
  }

  bool Bool(const std::string& key, bool fallback) const {
    auto node = root_.at_path(key);
    if (!node) return fallback;
    if (!node.is_boolean()) Fail(key, "must be true or false");
    return *node.value<bool>();
  }

  std::vector<std::string> Strings(const std::string& key) const {
    auto node = root_.at_path(key);
    std::vector<std::string> out;
    if (!node) return out;
    const toml::array* arr = node.as_array();
    if (!arr) Fail(key, "must be an array of strings");
    for (const auto& item : *arr) {
      if (!item.is_string()) Fail(key, "must be an array of strings");
      out.push_back(*item.value<std::string>());
    }
    return out;
  }

  bool Has(const std::string& key) const { return static_cast<bool>(root_.at_path(key)); }

  // A table of strings ({ key = "value", ... }), in file order.
  std::vector<std::pair<std::string, std::string>> StringTable(const std::string& key) const {
    auto node = root_.at_path(key);
    std::vector<std::pair<std::string, std::string>> out;
    if (!node) return out;
    const toml::table* table = node.as_table();
    if (!table) Fail(key, "must be a table of strings (name = \"value\")");
    for (const auto& [k, v] : *table) {
      if (!v.is_string()) Fail(key + "." + std::string(k.str()), "must be a string");
      out.emplace_back(std::string(k.str()), *v.value<std::string>());
    }
    return out;
  }

 private:
  const toml::table& root_;
  std::filesystem::path file_;
};

std::string ReadSecretFile(const Reader& r, const std::string& key,
                           const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) r.Fail(key, "cannot read " + path.string());
  std::string secret((std::istreambuf_iterator<char>(in)), {});
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) r.Fail(key, path.string() + " is empty");
  return secret;
}

mail::ServerConfig Server(const Reader& r, const std::string& section, const char* env_name) {
  if (r.Has(section + ".password"))
    r.Fail(section + ".password",
           std::string(
               "secrets do not belong in the config file: use password_file or the environment "
               "variable ") +
               env_name);
  mail::ServerConfig s;
  s.url = r.String(section + ".url", "", true);
  s.user = r.String(section + ".user", "", true);
  s.ca_file = r.Path(section + ".ca_file", "").string();
  s.allow_plaintext = r.Bool(section + ".allow_plaintext", false);
  s.timeout_seconds = r.Int(section + ".timeout_seconds", 300, 1, 3600);
  s.oauth2_token_file = r.Path(section + ".oauth2_token_file", "").string();
  s.oauth2_token_command = r.String(section + ".oauth2_token_command", "");
  if (!s.oauth2_token_file.empty() && !s.oauth2_token_command.empty())
    r.Fail(section, "set oauth2_token_file or oauth2_token_command, not both");
  if (!s.oauth2_token_file.empty() || !s.oauth2_token_command.empty()) {
    // OAuth2: no password at all.
  } else if (const char* env = std::getenv(env_name); env && *env) {
    s.password = env;
  } else {
    auto file = r.Path(section + ".password_file", "");
    if (file.empty())
      r.Fail(section + ".password_file", std::string("no password: set password_file, ") +
                                             env_name +
                                             ", or oauth2_token_file / oauth2_token_command");
    s.password = ReadSecretFile(r, section + ".password_file", file);
  }
  try {
    mail::ValidateServerConfig(s, section);
  } catch (const std::invalid_argument& e) {
    r.Fail(section, e.what());
  }
  return s;
}

constexpr base::EnumNames<SenderAuthentication, 3> kSenderAuthentications = {{
    {SenderAuthentication::kNone, ""},
    {SenderAuthentication::kDkim, "dkim"},
    {SenderAuthentication::kDmarc, "dmarc"},
}};

}  // namespace

std::string_view ToString(SenderAuthentication required) {
  return base::NameOf(kSenderAuthentications, required, "unknown");
}

std::optional<SenderAuthentication> ParseSenderAuthentication(std::string_view text) {
  return base::ValueOf(kSenderAuthentications, text);
}

std::filesystem::path ConfigPath(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* env = std::getenv("RTCC_CONFIG"); env && *env) return env;
  return "/etc/rtcc/rtcc.toml";
}

Config LoadConfig(const std::filesystem::path& path) {
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    std::string where = e.source().begin ? " line " + std::to_string(e.source().begin.line) : "";
    throw ConfigError(path.string() + where + ": " + std::string(e.description()));
  }
  Reader r(root, std::filesystem::absolute(path));
  Config c;
  c.path = std::filesystem::absolute(path);
  c.data_dir = r.Path("rtcc.data_dir", "", true);
  c.templates_dir = r.Path("rtcc.templates_dir", "/usr/share/rtcc/templates");
  c.poll_interval_seconds = r.Double("rtcc.poll_interval_seconds", 30, 0.05, 86400);
  c.reply_token_secret_file = r.Path("rtcc.reply_token_secret_file", "");
  if (c.reply_token_secret_file.empty())
    c.reply_token_secret_file = c.data_dir / "reply-token.secret";
  c.max_automatic_replies_per_request =
      static_cast<int>(r.Int("rtcc.max_automatic_replies_per_request", 10, 1, 1000));
  c.max_probes_per_message = static_cast<int>(r.Int("rtcc.max_probes_per_message", 20, 1, 1000));
  c.incident_number_format = r.String("rtcc.incident_number_format", c.incident_number_format);
  try {
    mail::IncidentNumberFormat check(c.incident_number_format);
  } catch (const std::invalid_argument& e) {
    r.Fail("rtcc.incident_number_format", e.what());
  }

  c.imap.server = Server(r, "imap", "RTCC_IMAP_PASSWORD");
  c.imap.inbox = r.String("imap.inbox", c.imap.inbox);
  c.imap.processed_folder = r.String("imap.processed_folder", c.imap.processed_folder);
  c.imap.quarantine_folder = r.String("imap.quarantine_folder", c.imap.quarantine_folder);
  c.imap.failed_folder = r.String("imap.failed_folder", c.imap.failed_folder);
  c.imap.max_attempts = static_cast<int>(r.Int("imap.max_attempts", c.imap.max_attempts, 1, 100));
  c.imap.max_message_bytes =
      r.Int("imap.max_message_bytes", c.imap.max_message_bytes, 64 * 1024, 1024L * 1024 * 1024);
  c.imap.batch_size = static_cast<int>(r.Int("imap.batch_size", c.imap.batch_size, 1, 100000));

  c.smtp.server = Server(r, "smtp", "RTCC_SMTP_PASSWORD");
  c.smtp.from = r.String("smtp.from", "", true);
  if (c.smtp.from.find('@') == std::string::npos) r.Fail("smtp.from", "must be an e-mail address");
  c.smtp.from_name = r.String("smtp.from_name", c.smtp.from_name);
  c.smtp.signature = r.String("smtp.signature", c.smtp.signature);
  c.smtp.sent_folder = r.String("smtp.sent_folder", c.smtp.sent_folder);
  c.smtp.resend_after_seconds = static_cast<int>(r.Int("smtp.resend_after_seconds", 60, 0, 86400));
  std::string sent_copy = r.String("smtp.sent_copy", "server");
  if (sent_copy == "server")
    c.smtp.sent_copy = SentCopy::kServer;
  else if (sent_copy == "append")
    c.smtp.sent_copy = SentCopy::kAppend;
  else if (sent_copy == "none")
    c.smtp.sent_copy = SentCopy::kNone;
  else
    r.Fail("smtp.sent_copy", "must be \"server\", \"append\" or \"none\"");

  c.senders.allowed_domains = r.Strings("senders.allowed_domains");
  c.senders.allowed_addresses = r.Strings("senders.allowed_addresses");
  if (c.senders.allowed_domains.empty() && c.senders.allowed_addresses.empty())
    r.Fail("senders",
           "allowed_domains or allowed_addresses must name who may file requests (policy 4.5)");
  if (auto required = ParseSenderAuthentication(r.String("senders.require_authentication", "")))
    c.senders.require_authentication = *required;
  else
    r.Fail("senders.require_authentication", "must be \"dkim\", \"dmarc\" or absent");
  c.senders.authserv_id = r.String("senders.authserv_id", "");
  c.senders.exchange_online = r.Bool("senders.exchange_online", false);
  if (!c.senders.authserv_id.empty() && c.senders.exchange_online)
    r.Fail("senders.exchange_online",
           "cannot be combined with authserv_id: Exchange Online's field has no authserv-id");
  else if (c.senders.require_authentication != SenderAuthentication::kNone &&
           c.senders.authserv_id.empty() && !c.senders.exchange_online)
    r.Fail("senders.authserv_id",
           "required with require_authentication: the name your receiving server writes first in "
           "Authentication-Results (e.g. mx.google.com), or exchange_online = true for Microsoft "
           "365, which writes none");
  c.analysts = r.Strings("roster.analysts");
  c.supervisors = r.Strings("roster.supervisors");
  auto on_roster = [&](const std::string& name) {
    return std::find(c.analysts.begin(), c.analysts.end(), name) != c.analysts.end() ||
           std::find(c.supervisors.begin(), c.supervisors.end(), name) != c.supervisors.end();
  };
  for (const auto& [os_user, name] : r.StringTable("roster.os_users")) {
    if (!on_roster(name))
      r.Fail("roster.os_users." + os_user, "'" + name + "' is not in analysts or supervisors");
    c.roster_os_users[os_user] = name;
  }
  for (const auto& [name, email] : r.StringTable("roster.emails")) {
    if (!on_roster(name)) r.Fail("roster.emails." + name, "not in analysts or supervisors");
    c.roster_emails[name] = email;
  }
  for (const auto& [clause, phrases] : r.StringTable("policy.prohibited_phrases")) {
    for (std::size_t start = 0; start <= phrases.size();) {
      std::size_t end = std::min(phrases.find(',', start), phrases.size());
      std::string phrase = phrases.substr(start, end - start);
      phrase.erase(0, phrase.find_first_not_of(' '));
      phrase.erase(phrase.find_last_not_of(' ') + 1);
      if (!phrase.empty()) c.prohibited_phrases.emplace_back(phrase, clause);
      start = end + 1;
    }
  }
  c.outcome_reminder_days = static_cast<int>(r.Int("outcomes.reminder_after_days", 14, 1, 365));
  c.outcome_max_reminders = static_cast<int>(r.Int("outcomes.max_reminders", 2, 0, 20));
  c.retention_days = static_cast<int>(r.Int("retention.days_after_close", 365, 0, 36500));

  c.engine.model_dir = r.Path("matcher.model_dir", "");
  if (c.engine.model_dir.empty()) c.engine.model_dir = matcher::DefaultModelDir();
  std::string detector = r.String("matcher.detector", "hog");
  if (detector == "yunet")
    c.engine.detector = matcher::Detector::kYuNet;
  else if (detector != "hog")
    r.Fail("matcher.detector", "must be \"hog\" or \"yunet\"");
  c.engine.yunet_model = r.Path("matcher.yunet_model", "");
  if (c.engine.detector == matcher::Detector::kYuNet && c.engine.yunet_model.empty())
    r.Fail("matcher.yunet_model", "required when detector = \"yunet\"");
  c.match_threshold = r.Double("matcher.threshold", 0.6, 0.0, 2.0);
  return c;
}

}  // namespace rtcc::config
