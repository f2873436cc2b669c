// SMTP submission over libcurl (STARTTLS or SMTPS, with AUTH).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mail/mail_transport.h"

namespace rtcc::mail {

class SmtpClient {
 public:
  // Throws std::invalid_argument when the config breaks the TLS rules (see ValidateServerConfig).
  explicit SmtpClient(const ServerConfig& config);

  // Submits `message` (complete RFC 5322 text, CRLF line ends) from `envelope_from` to
  // `recipients`. Throws MailError when the server does not accept it.
  void Send(const std::string& envelope_from, const std::vector<std::string>& recipients,
            std::string_view message);

 private:
  CurlHandle curl_;
};

}  // namespace rtcc::mail
