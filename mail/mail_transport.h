// How rtcc connects to a mail server (IMAP or SMTP) through libcurl: the URL, the credentials and
// the TLS rules. TLS is required and verified unless plaintext is explicitly allowed, and
// plaintext is only ever allowed to a loopback address.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace rtcc::mail {

struct ServerConfig {
  // imaps://host:993, imap://host:143 (STARTTLS), smtps://host:465, smtp://host:587/ehlo-name.
  std::string url;
  std::string user;
  std::string password;  // never logged
  std::string ca_file;   // empty: the system's trust store
  // Allows a connection without TLS; only honoured for 127.0.0.1, ::1 and localhost.
  bool allow_plaintext = false;
  long timeout_seconds = 300;  // a whole transfer; stalls are detected sooner (30 s)
};

// A transfer failed. what() says which operation, on which server, and curl's reason — never
// the password.
class MailError : public std::runtime_error {
 public:
  MailError(const std::string& what, CURLcode code) : std::runtime_error(what), code_(code) {}
  CURLcode code() const { return code_; }

 private:
  CURLcode code_;
};

// Checks a ServerConfig before any connection: a URL with a known scheme, and plaintext only when
// allowed and only to loopback. Throws std::invalid_argument with the reason.
void ValidateServerConfig(const ServerConfig& config, const std::string& what);

// One libcurl easy handle configured for `config` (credentials, TLS, timeouts). The connection is
// kept open between transfers made through the same handle.
class CurlHandle {
 public:
  explicit CurlHandle(const ServerConfig& config);
  ~CurlHandle();
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;

  CURL* get() const { return curl_; }
  const ServerConfig& config() const { return config_; }

  // Runs the transfer set up on the handle; throws MailError naming `operation` on failure.
  void Perform(const std::string& operation);

  // Resets per-transfer options (custom request, upload, callbacks) and re-applies the
  // connection options, keeping the open connection.
  void ResetTransfer();

 private:
  void ApplyConnectionOptions();

  ServerConfig config_;
  CURL* curl_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace rtcc::mail
