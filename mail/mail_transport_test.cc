#include "mail/mail_transport.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mail/imap_client.h"

namespace rtcc::mail {
namespace {

TEST(MailTransport, PlaintextOnlyToLoopback) {
  ServerConfig c;
  c.url = "imap://mail.example.org:143";
  c.allow_plaintext = true;
  EXPECT_THROW(ValidateServerConfig(c, "imap"), std::invalid_argument);
  c.url = "imap://127.0.0.1:10143";
  EXPECT_NO_THROW(ValidateServerConfig(c, "imap"));
  c.url = "smtp://localhost:10025/ehlo";
  EXPECT_NO_THROW(ValidateServerConfig(c, "smtp"));
  c.url = "imap://user@evil.example:143";
  EXPECT_THROW(ValidateServerConfig(c, "imap"), std::invalid_argument);
}

TEST(MailTransport, UnknownSchemeIsRefused) {
  ServerConfig c;
  c.url = "http://127.0.0.1/";
  EXPECT_THROW(ValidateServerConfig(c, "imap"), std::invalid_argument);
  EXPECT_THROW(ImapClient{c}, std::invalid_argument);
}

TEST(MailTransport, BearerTokensComeFromAFileOrACommand) {
  auto file = std::filesystem::temp_directory_path() / ("rtcc-token-" + std::to_string(::getpid()));
  std::ofstream(file) << "  eyJhbGciOi.payload.sig\n";
  ServerConfig c;
  c.oauth2_token_file = file.string();
  EXPECT_EQ(ReadBearerToken(c), "eyJhbGciOi.payload.sig");
  std::ofstream(file, std::ios::trunc) << "\n";
  EXPECT_THROW(ReadBearerToken(c), MailError) << "an empty token is an error, not an empty login";
  std::filesystem::remove(file);
  EXPECT_THROW(ReadBearerToken(c), MailError) << "missing file";

  ServerConfig cmd;
  cmd.oauth2_token_command = "echo fresh-token";
  EXPECT_EQ(ReadBearerToken(cmd), "fresh-token");
  cmd.oauth2_token_command = "echo secret-token; exit 3";
  try {
    ReadBearerToken(cmd);
    FAIL() << "a failing command must be an error";
  } catch (const MailError& e) {
    EXPECT_NE(std::string(e.what()).find("exit status 3"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("secret-token"), std::string::npos)
        << "never echo a token";
  }
}

TEST(MailTransport, UidSetsFoldRanges) {
  EXPECT_EQ(UidSet({7, 1, 2, 3, 9, 10}), "1:3,7,9:10");
  EXPECT_EQ(UidSet({5}), "5");
  EXPECT_EQ(UidSet({4, 4, 4}), "4");
  EXPECT_EQ(UidSet({}), "");
}

TEST(MailTransport, MailboxNamesAreQuotedWhenNeeded) {
  EXPECT_EQ(QuoteMailbox("rtcc-processed"), "rtcc-processed");
  EXPECT_EQ(QuoteMailbox("RTCC Done"), "\"RTCC Done\"");
  EXPECT_EQ(QuoteMailbox("a\"b"), "\"a\\\"b\"");
}

}  // namespace
}  // namespace rtcc::mail
