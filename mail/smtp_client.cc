#include "mail/smtp_client.h"

#include <algorithm>
#include <cstring>

namespace rtcc::mail {
namespace {

struct UploadCursor {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadFromCursor(char* buffer, std::size_t size, std::size_t nitems, void* user) {
  auto* cursor = static_cast<UploadCursor*>(user);
  std::size_t n = std::min(size * nitems, cursor->data.size() - cursor->offset);
  std::memcpy(buffer, cursor->data.data() + cursor->offset, n);
  cursor->offset += n;
  return n;
}

std::string Angle(const std::string& address) { return "<" + address + ">"; }

}  // namespace

SmtpClient::SmtpClient(const ServerConfig& config)
    : curl_((ValidateServerConfig(config, "smtp"), config)) {}

void SmtpClient::Send(const std::string& envelope_from, const std::vector<std::string>& recipients,
                      std::string_view message) {
  curl_.ResetTransfer();
  CURL* c = curl_.get();
  UploadCursor cursor{message};
  curl_slist* rcpt = nullptr;
  for (const auto& r : recipients) rcpt = curl_slist_append(rcpt, Angle(r).c_str());
  std::string from = Angle(envelope_from);
  curl_easy_setopt(c, CURLOPT_URL, curl_.config().url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadFromCursor);
  curl_easy_setopt(c, CURLOPT_READDATA, &cursor);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  try {
    curl_.Perform("SMTP send to " +
                  (recipients.empty() ? std::string("nobody") : recipients.front()));
  } catch (const MailError& e) {
    curl_slist_free_all(rcpt);
    // Before the last byte (and the final dot) the server cannot have accepted the message.
    throw MailError(e.what(), e.code(), cursor.offset == message.size());
  } catch (...) {
    curl_slist_free_all(rcpt);
    throw;
  }
  curl_slist_free_all(rcpt);
}

}  // namespace rtcc::mail
