#include "mail/message_digest.h"

#include <array>

#include "base/sha256.h"
#include "base/strings.h"

namespace rtcc::mail {
namespace {

// Added by servers on the way, never by the author's client.
bool IsTraceField(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kExact = {
      "received",       "return-path",
      "delivered-to",   "x-original-to",
      "x-delivered-to", "x-received",
      "received-spf",   "authentication-results",
      "dkim-signature", "x-google-dkim-signature"};
  static constexpr std::array<std::string_view, 6> kPrefixes = {
      "arc-", "x-ms-exchange-", "x-microsoft-antispam", "x-forefront-", "x-spam-", "x-virus-"};
  const std::string lower = base::Lower(name);
  for (auto exact : kExact)
    if (lower == exact) return true;
  for (auto prefix : kPrefixes)
    if (lower.rfind(prefix, 0) == 0) return true;
  return false;
}

// `text` without the CR of each CRLF.
void AddWithoutCr(base::Sha256& hash, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t cr = text.find("\r\n"); cr != std::string_view::npos;
       cr = text.find("\r\n", start)) {
    hash.Add(text.substr(start, cr - start));
    start = cr + 1;  // keeps the LF
  }
  hash.Add(text.substr(start));
}

}  // namespace

std::string ContentDigest(std::string_view raw) {
  base::Sha256 hash;
  std::size_t pos = 0;
  bool skipping = false;  // inside a trace field (its continuation lines too)
  while (pos < raw.size()) {
    std::size_t end = raw.find('\n', pos);
    std::size_t next = end == std::string_view::npos ? raw.size() : end + 1;
    std::string_view line = raw.substr(pos, next - pos);
    std::string_view bare = base::TrimView(line, "\r\n");
    if (bare.empty()) break;  // the empty line before the body
    if (line[0] != ' ' && line[0] != '\t') {
      std::size_t colon = bare.find(':');
      skipping =
          colon != std::string_view::npos && IsTraceField(base::TrimView(bare.substr(0, colon)));
    }
    if (!skipping) AddWithoutCr(hash, line);
    pos = next;
  }
  AddWithoutCr(hash, raw.substr(pos));  // the empty line and the body
  return hash.Hex();
}

}  // namespace rtcc::mail
