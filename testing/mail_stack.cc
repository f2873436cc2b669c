#include "testing/mail_stack.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "mail/smtp_client.h"

namespace rtcc::testing {
namespace {

const std::string kScript = std::string(RTCC_SOURCE_DIR) + "/scripts/mailstack.sh";

}  // namespace

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

MailStack::MailStack(const std::filesystem::path& dir) : dir_(dir) {
  auto r = RunCommand(kScript + " start " + dir_.string());
  if (r.exit_code != 0) throw std::runtime_error("mailstack.sh start failed:\n" + r.output);
  std::ifstream in(dir_ / "mailstack.env");
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) env_[line.substr(0, eq)] = line.substr(eq + 1);
  }
}

MailStack::~MailStack() { RunCommand(kScript + " stop " + dir_.string()); }

const std::string& MailStack::Get(const std::string& key) const {
  auto it = env_.find(key);
  if (it == env_.end()) throw std::runtime_error("mailstack.env has no " + key);
  return it->second;
}

void MailStack::Inject(const std::string& envelope_from, const std::string& recipient,
                       const std::string& raw) const {
  mail::ServerConfig c;
  c.url = "smtp://127.0.0.1:" + Get("SMTP_PORT") + "/client.test";
  c.allow_plaintext = true;  // STARTTLS is still used when offered, and verified
  c.ca_file = Get("CA_FILE");
  mail::SmtpClient(c).Send(envelope_from, {recipient}, raw);
}

mail::ImapClient MailStack::Imap(const std::string& user) const {
  mail::ServerConfig c;
  c.url = "imap://127.0.0.1:" + Get("IMAP_PORT");
  c.user = Get(user + "_USER");
  c.password = Get(user + "_PASSWORD");
  c.ca_file = Get("CA_FILE");
  return mail::ImapClient(c);
}

std::vector<mail::MimeMessage> MailStack::Messages(const std::string& user,
                                                   const std::string& mailbox) const {
  auto imap = Imap(user);
  auto status = imap.Examine(mailbox);
  std::vector<mail::MimeMessage> out;
  if (status.exists == 0) return out;
  for (auto uid : imap.SearchUids(mailbox, "ALL"))
    out.push_back(mail::ParseMimeMessage(imap.FetchMessage(mailbox, status.uidvalidity, uid)));
  return out;
}

std::vector<mail::MimeMessage> MailStack::WaitForMessages(const std::string& user,
                                                          std::size_t count,
                                                          const std::string& mailbox,
                                                          int seconds) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    auto messages = Messages(user, mailbox);
    if (messages.size() >= count || std::chrono::steady_clock::now() > deadline) return messages;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

bool MailStack::WaitForQueueEmpty(int seconds) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    auto r = RunCommand(kScript + " queue " + dir_.string());
    if (r.exit_code == 0 && r.output.find_first_not_of("0\n") == std::string::npos) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string RequestMessage(const std::string& from, const std::string& subject,
                           const std::string& message_id, const std::string& body,
                           const std::vector<std::filesystem::path>& jpegs,
                           const std::string& extra_headers) {
  std::string raw =
      "From: Detective Test <" + from + ">\r\nTo: RTCC <rtcc@pd.test>\r\nSubject: " + subject +
      "\r\nMessage-ID: <" + message_id + ">\r\nDate: Wed, 25 Nov 2026 10:00:00 -0500\r\n" +
      extra_headers +
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=-rtcc-test\"\r\n\r\n" +
      "--=-rtcc-test\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
  for (const auto& path : jpegs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("test photo missing: " + path.string());
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    raw += "--=-rtcc-test\r\nContent-Type: image/jpeg; name=\"" + path.filename().string() +
           "\"\r\nContent-Disposition: attachment; filename=\"" + path.filename().string() +
           "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(bytes);
  }
  return raw + "--=-rtcc-test--\r\n";
}

}  // namespace rtcc::testing
