// Test support: the loopback mail stack of scripts/mailstack.sh (Dovecot IMAP + Postfix SMTP on
// 127.0.0.1, users rtcc@, detective@ and analyst@pd.test), and small helpers to send mail into it
// and read mailboxes back over IMAP.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mail/imap_client.h"
#include "mail/mime_message.h"
#include "testing/base64.h"

namespace rtcc::testing {

class MailStack {
 public:
  // Starts the stack in `dir` (scripts/mailstack.sh start) and reads its mailstack.env.
  explicit MailStack(const std::filesystem::path& dir);
  // Stops it (scripts/mailstack.sh stop).
  ~MailStack();
  MailStack(const MailStack&) = delete;
  MailStack& operator=(const MailStack&) = delete;

  const std::string& Get(const std::string& key) const;  // a value of mailstack.env
  std::filesystem::path dir() const { return dir_; }

  // Submits `raw` through the unauthenticated loopback SMTP port, as an outside MTA would.
  void Inject(const std::string& envelope_from, const std::string& recipient,
              const std::string& raw) const;

  // IMAP (STARTTLS, verified against the stack's CA) as `user` ("RTCC", "REQUESTOR", "ANALYST").
  mail::ImapClient Imap(const std::string& user) const;

  // Every message in `mailbox` of `user`, parsed, in UID order.
  std::vector<mail::MimeMessage> Messages(const std::string& user,
                                          const std::string& mailbox = "INBOX") const;

  // Waits up to `seconds` for Postfix to hold no message (everything handed to it was delivered
  // to Dovecot). Returns false when it still holds some.
  bool WaitForQueueEmpty(int seconds = 20) const;

  // Waits up to `seconds` for `mailbox` of `user` to hold at least `count` messages.
  std::vector<mail::MimeMessage> WaitForMessages(const std::string& user, std::size_t count,
                                                 const std::string& mailbox = "INBOX",
                                                 int seconds = 20) const;

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh and returns its exit code and output.
CommandResult RunCommand(const std::string& command);

// A request e-mail: text body plus JPEG attachments.
std::string RequestMessage(const std::string& from, const std::string& subject,
                           const std::string& message_id, const std::string& body,
                           const std::vector<std::filesystem::path>& jpegs,
                           const std::string& extra_headers = "");

// A test with a mail stack of its own in a temporary directory `dir_` (kept when the test fails),
// skipped when not run as root (the stack runs Dovecot and Postfix).
class MailStackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "the loopback mail stack runs Dovecot and Postfix as root";
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    stack_ = std::make_unique<MailStack>(dir_ / "stack");
  }
  void TearDown() override {
    stack_.reset();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<MailStack> stack_;
};

}  // namespace rtcc::testing
