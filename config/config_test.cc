#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace rtcc::config {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("rtcc-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "imap.pw") << "imap-secret\n";
    std::ofstream(dir_ / "smtp.pw") << "smtp-secret";
    unsetenv("RTCC_IMAP_PASSWORD");
    unsetenv("RTCC_SMTP_PASSWORD");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& extra, const std::string& imap_extra = "",
                              const std::string& rtcc_extra = "") {
    auto p = dir_ / "rtcc.toml";
    std::ofstream(p) << "[rtcc]\ndata_dir = \"data\"\npoll_interval_seconds = 5\n"
                     << rtcc_extra
                     << "[imap]\nurl = \"imaps://mail.example.org:993\"\nuser = \"rtcc@pd.test\"\n"
                     << "password_file = \"imap.pw\"\n"
                     << imap_extra
                     << "[smtp]\nurl = \"smtps://mail.example.org:465\"\nuser = \"rtcc@pd.test\"\n"
                     << "password_file = \"smtp.pw\"\nfrom = \"rtcc@pd.test\"\n"
                     << "[senders]\nallowed_domains = [\"pd.test\"]\n"
                     << "[roster]\nanalysts = [\"analyst\"]\n"
                     << extra;
    return p;
  }

  std::string ErrorOf(const std::filesystem::path& p) {
    try {
      LoadConfig(p);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigTest, ReadsAFileWithSecretsFromFiles) {
  Config c = LoadConfig(Write("[matcher]\nthreshold = 0.55\n"));
  EXPECT_EQ(c.data_dir, dir_ / "data");
  EXPECT_EQ(c.poll_interval_seconds, 5);
  EXPECT_EQ(c.imap.server.password, "imap-secret");
  EXPECT_EQ(c.smtp.server.password, "smtp-secret");
  EXPECT_FALSE(c.imap.server.allow_plaintext);
  EXPECT_EQ(c.senders.allowed_domains, std::vector<std::string>{"pd.test"});
  EXPECT_EQ(c.smtp.sent_copy, SentCopy::kServer);
  EXPECT_EQ(c.reply_token_secret_file, dir_ / "data/reply-token.secret");
  EXPECT_DOUBLE_EQ(c.match_threshold, 0.55);
  EXPECT_EQ(c.engine.detector, matcher::Detector::kHog);
}

TEST_F(ConfigTest, PoisonMessagesAreSetAsideAfterTheConfiguredAttempts) {
  Config defaults = LoadConfig(Write(""));
  EXPECT_EQ(defaults.imap.failed_folder, "rtcc-failed");
  EXPECT_EQ(defaults.imap.max_attempts, 3);
  Config c = LoadConfig(Write("", "failed_folder = \"Poison\"\nmax_attempts = 5\n"));
  EXPECT_EQ(c.imap.failed_folder, "Poison");
  EXPECT_EQ(c.imap.max_attempts, 5);
  EXPECT_NE(ErrorOf(Write("", "max_attempts = 0\n")).find("imap.max_attempts"), std::string::npos);
}

TEST_F(ConfigTest, TheIncidentNumberFormatIsReadAndChecked) {  // issue 17
  EXPECT_EQ(LoadConfig(Write("")).incident_number_format, "YY-NNNNNN");
  EXPECT_EQ(LoadConfig(Write("", "", "incident_number_format = \"YYYY-NNNNNN\"\n"))
                .incident_number_format,
            "YYYY-NNNNNN");
  std::string error = ErrorOf(Write("", "", "incident_number_format = \"--\"\n"));
  EXPECT_NE(error.find("rtcc.incident_number_format"), std::string::npos) << error;
  EXPECT_NE(error.find("YY-NNNNNN"), std::string::npos) << "says how to write one: " << error;
}

TEST_F(ConfigTest, EnvironmentPasswordWins) {
  setenv("RTCC_IMAP_PASSWORD", "from-env", 1);
  EXPECT_EQ(LoadConfig(Write("")).imap.server.password, "from-env");
  unsetenv("RTCC_IMAP_PASSWORD");
}

TEST_F(ConfigTest, OAuth2TokensReplaceThePassword) {
  Config c = LoadConfig(Write("", "oauth2_token_command = \"printf tok\"\n"));
  EXPECT_EQ(c.imap.server.oauth2_token_command, "printf tok");
  EXPECT_TRUE(c.imap.server.password.empty()) << "no password is read when OAuth2 is configured";
  EXPECT_EQ(mail::ReadBearerToken(c.imap.server), "tok");
  EXPECT_NE(ErrorOf(Write("", "oauth2_token_command = \"a\"\noauth2_token_file = \"b\"\n"))
                .find("not both"),
            std::string::npos);
}

TEST_F(ConfigTest, PasswordInTheFileIsRefused) {
  EXPECT_NE(ErrorOf(Write("", "password = \"hunter2\"\n"))
                .find("secrets do not belong in the config file"),
            std::string::npos);
}

TEST_F(ConfigTest, PlaintextToARemoteServerIsRefused) {
  std::string e = ErrorOf(Write("", "allow_plaintext = true\n"));
  EXPECT_NE(e.find("only permitted for a loopback server"), std::string::npos) << e;
}

TEST_F(ConfigTest, AuthenticationRequirementNeedsTheServersName) {
  auto p = dir_ / "auth.toml";
  std::ofstream(p)
      << "[rtcc]\ndata_dir = \"d\"\n[imap]\nurl = \"imaps://m:993\"\nuser = \"u\"\n"
      << "password_file = \"imap.pw\"\n[smtp]\nurl = \"smtps://m:465\"\nuser = \"u\"\n"
      << "password_file = \"smtp.pw\"\nfrom = \"rtcc@pd.test\"\n"
      << "[senders]\nallowed_domains = [\"pd.test\"]\nrequire_authentication = \"dmarc\"\n";
  EXPECT_NE(ErrorOf(p).find("senders.authserv_id"), std::string::npos) << ErrorOf(p);
}

TEST_F(ConfigTest, AuthenticationRequirementIsRead) {
  auto senders = [&](const std::string& name, const std::string& keys) {
    auto p = dir_ / name;
    std::ofstream(p)
        << "[rtcc]\ndata_dir = \"d\"\n[imap]\nurl = \"imaps://m:993\"\nuser = \"u\"\n"
        << "password_file = \"imap.pw\"\n[smtp]\nurl = \"smtps://m:465\"\nuser = \"u\"\n"
        << "password_file = \"smtp.pw\"\nfrom = \"rtcc@pd.test\"\n"
        << "[senders]\nallowed_domains = [\"pd.test\"]\n"
        << keys;
    return p;
  };
  Config c = LoadConfig(
      senders("auth-ok.toml", "require_authentication = \"dkim\"\nauthserv_id = \"mx.pd.test\"\n"));
  EXPECT_EQ(c.senders.require_authentication, SenderAuthentication::kDkim);
  EXPECT_EQ(c.senders.authserv_id, "mx.pd.test");
  // Not required: nothing to name, and the default is off.
  Config plain = LoadConfig(Write(""));
  EXPECT_EQ(plain.senders.require_authentication, SenderAuthentication::kNone);
  EXPECT_EQ(plain.senders.authserv_id, "");
  // Microsoft 365 writes no authserv-id: exchange_online names it instead, never both.
  Config m365 = LoadConfig(
      senders("auth-m365.toml", "require_authentication = \"dmarc\"\nexchange_online = true\n"));
  EXPECT_TRUE(m365.senders.exchange_online);
  EXPECT_EQ(m365.senders.authserv_id, "");
  EXPECT_FALSE(plain.senders.exchange_online);
  EXPECT_NE(ErrorOf(senders("auth-both.toml",
                            "require_authentication = \"dkim\"\n"
                            "authserv_id = \"mx.pd.test\"\n"
                            "exchange_online = true\n"))
                .find("senders.exchange_online: cannot be combined with authserv_id"),
            std::string::npos);
  EXPECT_NE(ErrorOf(senders("auth-spf.toml",
                            "require_authentication = \"spf\"\n"
                            "authserv_id = \"mx.pd.test\"\n"))
                .find("senders.require_authentication"),
            std::string::npos);
}

TEST(SenderAuthentication, NamesRoundTrip) {
  for (auto v :
       {SenderAuthentication::kNone, SenderAuthentication::kDkim, SenderAuthentication::kDmarc})
    EXPECT_EQ(ParseSenderAuthentication(ToString(v)), v) << ToString(v);
  EXPECT_EQ(ToString(SenderAuthentication::kNone), "") << "absent from the file";
  EXPECT_EQ(ToString(SenderAuthentication::kDmarc), "dmarc");
  EXPECT_FALSE(ParseSenderAuthentication("spf").has_value());
  EXPECT_FALSE(ParseSenderAuthentication("DKIM").has_value());
}

TEST_F(ConfigTest, ClearErrorsForBadValues) {
  EXPECT_NE(ErrorOf(Write("[matcher]\ndetector = \"magic\"\n")).find("matcher.detector"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Write("[matcher]\nthreshold = \"close\"\n")).find("must be a number"),
            std::string::npos);
  auto p = dir_ / "broken.toml";
  std::ofstream(p) << "[rtcc\n";
  EXPECT_NE(ErrorOf(p).find("broken.toml line 1"), std::string::npos) << ErrorOf(p);
}

TEST_F(ConfigTest, RosterRolesPolicyPhrasesRemindersAndRetention) {
  Config c = LoadConfig(
      Write("supervisors = [\"sgt\"]\n[roster.os_users]\njdoe = \"analyst\"\n"
            "[roster.emails]\nanalyst = \"analyst@pd.test\"\n"
            "[policy.prohibited_phrases]\n\"4.5.2(d) live\" = \"drone, live feed ,cctv*\"\n"
            "[outcomes]\nreminder_after_days = 7\nmax_reminders = 3\n"
            "[retention]\ndays_after_close = 90\n"));
  EXPECT_EQ(c.supervisors, std::vector<std::string>{"sgt"});
  EXPECT_EQ(c.roster_os_users.at("jdoe"), "analyst");
  EXPECT_EQ(c.roster_emails.at("analyst"), "analyst@pd.test");
  ASSERT_EQ(c.prohibited_phrases.size(), 3u);
  EXPECT_EQ(c.prohibited_phrases[1],
            (std::pair<std::string, std::string>{"live feed", "4.5.2(d) live"}));
  EXPECT_EQ(c.prohibited_phrases[2].first, "cctv*");
  EXPECT_EQ(c.outcome_reminder_days, 7);
  EXPECT_EQ(c.outcome_max_reminders, 3);
  EXPECT_EQ(c.retention_days, 90);
  Config d = LoadConfig(Write(""));
  EXPECT_TRUE(d.prohibited_phrases.empty()) << "empty: the built-in list";
  EXPECT_EQ(d.outcome_reminder_days, 14);
  EXPECT_EQ(d.retention_days, 365);
  EXPECT_NE(ErrorOf(Write("[roster.os_users]\nmallory = \"mallory\"\n"))
                .find("roster.os_users.mallory: 'mallory' is not in analysts or supervisors"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Write("[outcomes]\nreminder_after_days = 0\n")).find("between 1 and 365"),
            std::string::npos);
}

TEST_F(ConfigTest, WithoutAMatcherSectionTheCalibratedSettingsApply) {
  // What reached 99.0 % on ../shared/faces/lfw-dev (README "Performance"): HOG with the mirror
  // image (flip), no jitter, the MMOD fallback, and the threshold 0.60.
  Config c = LoadConfig(Write(""));
  EXPECT_EQ(c.engine.detector, matcher::Detector::kHog);
  EXPECT_TRUE(c.engine.flip);
  EXPECT_EQ(c.engine.jitter, 0);
  EXPECT_TRUE(c.engine.mmod_fallback);
  EXPECT_DOUBLE_EQ(c.match_threshold, 0.6);
}

TEST_F(ConfigTest, TheShippedExampleIsValid) {
  setenv("RTCC_IMAP_PASSWORD", "x", 1);
  setenv("RTCC_SMTP_PASSWORD", "y", 1);
  Config c = LoadConfig(std::string(RTCC_SOURCE_DIR) + "/systemd/rtcc.toml.example");
  EXPECT_EQ(c.data_dir, "/var/lib/rtcc");
  EXPECT_EQ(c.senders.allowed_domains, std::vector<std::string>{"miami-police.org"});
  EXPECT_FALSE(c.imap.server.allow_plaintext);
  // The example runs the settings measured on LFW (README "Performance"): HOG, flip, 0.60.
  EXPECT_EQ(c.engine.detector, matcher::Detector::kHog);
  EXPECT_TRUE(c.engine.flip);
  EXPECT_DOUBLE_EQ(c.match_threshold, 0.6);
  unsetenv("RTCC_IMAP_PASSWORD");
  unsetenv("RTCC_SMTP_PASSWORD");
}

}  // namespace
}  // namespace rtcc::config
