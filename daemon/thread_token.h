// Reply tokens: every message rtcc sends carries, in its Message-ID, the request id and an HMAC
// over it with a secret only rtccd knows. A reply that references such an id provably answers
// mail rtcc sent for that request, so nobody outside the thread can attach an outcome or a
// follow-up to someone else's case by guessing a request number.
//   Message-ID: <rtcc.RTCC-2026-000001.<nonce, 24 hex>.<HMAC-SHA256 truncated, 32 hex>@domain>
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rtcc::daemon {

class ThreadToken {
 public:
  // `secret`: at least 16 bytes.
  explicit ThreadToken(std::string secret);

  // Reads the secret from `file`; when the file does not exist, creates it (mode 0600) with 32
  // random bytes. Throws std::runtime_error when it cannot.
  static ThreadToken FromFile(const std::filesystem::path& file);

  // A new Message-ID (without angle brackets) for mail about `request_id`, sent from `domain`.
  std::string NewMessageId(const std::string& request_id, const std::string& domain) const;

  // The request id a Message-ID was minted for, if it is one of ours and its HMAC checks out.
  std::optional<std::string> Verify(const std::string& message_id) const;

  // The first request id proven by any of `message_ids` (References / In-Reply-To).
  std::optional<std::string> VerifyAny(const std::vector<std::string>& message_ids) const;

 private:
  std::string Mac(const std::string& request_id, const std::string& nonce) const;
  std::string secret_;
};

}  // namespace rtcc::daemon
