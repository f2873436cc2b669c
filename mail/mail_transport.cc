#include "mail/mail_transport.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>

namespace rtcc::mail {
namespace {

std::string Scheme(const std::string& url) {
  auto pos = url.find("://");
  return pos == std::string::npos ? std::string() : url.substr(0, pos);
}

std::string Host(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos) return {};
  start += 3;
  auto end = url.find_first_of("/?", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority.front() == '[')
    return authority.substr(1, authority.find(']') - 1);
  return authority.substr(0, authority.find(':'));
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

void ValidateServerConfig(const ServerConfig& config, const std::string& what) {
  std::string scheme = Scheme(config.url);
  if (scheme != "imap" && scheme != "imaps" && scheme != "smtp" && scheme != "smtps")
    throw std::invalid_argument(
        what + ": url must start with imap://, imaps://, smtp:// or smtps://, got '" + config.url +
        "'");
  if (config.allow_plaintext) {
    std::string host = Host(config.url);
    if (host != "127.0.0.1" && host != "::1" && host != "localhost")
      throw std::invalid_argument(
          what + ": allow_plaintext is only permitted for a loopback server, not '" + host + "'");
  }
}

std::string ReadBearerToken(const ServerConfig& config) {
  std::string token;
  if (!config.oauth2_token_file.empty()) {
    std::ifstream in(config.oauth2_token_file);
    if (!in)
      throw MailError("cannot read the OAuth2 token file " + config.oauth2_token_file,
                      CURLE_LOGIN_DENIED);
    token.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    FILE* pipe = ::popen(config.oauth2_token_command.c_str(), "r");
    if (!pipe) throw MailError("cannot run the OAuth2 token command", CURLE_LOGIN_DENIED);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) token.append(buf, n);
    int status = ::pclose(pipe);
    if (status != 0)
      throw MailError("the OAuth2 token command failed (exit status " +
                          std::to_string(WEXITSTATUS(status)) +
                          "; its output is not shown, it may hold a token)",
                      CURLE_LOGIN_DENIED);
  }
  auto b = token.find_first_not_of(" \t\r\n");
  auto e = token.find_last_not_of(" \t\r\n");
  token = b == std::string::npos ? "" : token.substr(b, e - b + 1);
  if (token.empty() || token.find_first_of(" \t\r\n") != std::string::npos)
    throw MailError(
        "the OAuth2 token from " +
            (config.oauth2_token_file.empty() ? "the token command" : config.oauth2_token_file) +
            " is empty or not one token",
        CURLE_LOGIN_DENIED);
  return token;
}

CurlHandle::CurlHandle(const ServerConfig& config) : config_(config) {
  GlobalInit();
  if (!config_.oauth2_token_file.empty() || !config_.oauth2_token_command.empty())
    bearer_ = ReadBearerToken(config_);
  curl_ = curl_easy_init();
  if (!curl_) throw MailError("curl_easy_init failed", CURLE_FAILED_INIT);
  ApplyConnectionOptions();
}

CurlHandle::~CurlHandle() { curl_easy_cleanup(curl_); }

void CurlHandle::ApplyConnectionOptions() {
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 20L);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, config_.timeout_seconds);
  // A server that stalls (under 1 byte/s for 30 s) is given up on, and retried on the next poll.
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);
  // Probes are megabytes: a larger receive buffer halves the time to fetch one (measured).
  curl_easy_setopt(curl_, CURLOPT_BUFFERSIZE, 512L * 1024);
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(curl_, CURLOPT_USERNAME, config_.user.c_str());
  if (bearer_.empty()) {
    curl_easy_setopt(curl_, CURLOPT_PASSWORD, config_.password.c_str());
  } else {
    curl_easy_setopt(curl_, CURLOPT_XOAUTH2_BEARER, bearer_.c_str());
    curl_easy_setopt(curl_, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
  }
  // TLS: verified by default; STARTTLS is mandatory on imap:// and smtp:// unless plaintext is
  // explicitly allowed (and ValidateServerConfig limits that to loopback).
  curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl_, CURLOPT_USE_SSL,
                   config_.allow_plaintext ? CURLUSESSL_TRY : CURLUSESSL_ALL);
  if (!config_.ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, config_.ca_file.c_str());
}

void CurlHandle::ResetTransfer() {
  curl_easy_reset(curl_);  // keeps live connections, DNS cache and session IDs
  ApplyConnectionOptions();
}

void CurlHandle::Perform(const std::string& operation) {
  error_[0] = '\0';
  CURLcode rc = curl_easy_perform(curl_);
  if (rc != CURLE_OK) {
    std::string detail = error_[0] ? error_ : curl_easy_strerror(rc);
    throw MailError(operation + " on " + Host(config_.url) + " failed: " + detail, rc);
  }
}

}  // namespace rtcc::mail
