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
  // OAuth2 (XOAUTH2 / OAUTHBEARER, as Microsoft 365 and Google require) instead of a password:
  // the bearer token is read from this file, or printed by this command (run with /bin/sh),
  // afresh for every new connection, since such tokens expire within the hour.
  std::string oauth2_token_file;
  std::string oauth2_token_command;
  std::string ca_file;  // empty: the system's trust store
  // Allows a connection without TLS; only honoured for 127.0.0.1, ::1 and localhost.
  bool allow_plaintext = false;
  long timeout_seconds = 300;  // a whole transfer; stalls are detected sooner (30 s)
};

// A transfer failed. what() says which operation, on which server, and curl's reason — never
// the password.
class MailError : public std::runtime_error {
 public:
  MailError(const std::string& what, CURLcode code, bool maybe_delivered = false)
      : std::runtime_error(what), code_(code), maybe_delivered_(maybe_delivered) {}
  CURLcode code() const { return code_; }
  // True only for a failed SMTP send after the whole message was handed over: the server may
  // have accepted it before the failure. False means it certainly was not delivered.
  bool maybe_delivered() const { return maybe_delivered_; }

 private:
  CURLcode code_;
  bool maybe_delivered_;
};

// The current OAuth2 bearer token of `config` (file or command). Throws MailError saying which
// file or command failed, never echoing a token.
std::string ReadBearerToken(const ServerConfig& config);

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
  std::string bearer_;  // the OAuth2 token of this connection, if any
  CURL* curl_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace rtcc::mail
