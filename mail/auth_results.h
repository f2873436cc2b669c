// Authentication-Results (RFC 8601): what the receiving server's own checks said about a message,
// so that a forged From cannot pass for an authorized sender.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rtcc::mail {

struct AuthVerdict {
  bool found = false;  // a field written by the configured authserv-id was present
  std::string dkim;   // "pass" if any DKIM signature passed, else the first dkim result; "" if none
  std::string dmarc;  // first dmarc result ("pass", "fail", "none", ...), lower case; "" if none
  std::string spf;    // first spf result, lower case; "" if none
  std::string dkim_domain;                     // header.d (else header.i's domain) of the first
                                               // passing DKIM signature, lower case
  std::vector<std::string> dkim_pass_domains;  // the same for every passing DKIM signature
  std::string dmarc_header_from;               // header.from of the dmarc result, lower case
};

// Reads the Authentication-Results field values of a message (unfolded, topmost first, as
// MimeMessage::authentication_results holds them) and returns what the FIRST field written by
// `authserv_id` (compared case-insensitively) says. Fields from any other authserv-id are
// ignored (anyone can add one), and so are later fields from ours: the receiving server prepends
// its own above any that came with the message. Comments are ignored; method versions
// ("dkim/1") are dropped.
//
// Microsoft 365 (Exchange Online) writes its field with no authserv-id at all
// ("spf=pass (sender IP is ...) smtp.mailfrom=...; dkim=pass ..."); such a field has the empty
// authserv-id, which only an empty `authserv_id` matches. An empty `authserv_id` matches nothing
// else, so a caller must ask for it on purpose.
AuthVerdict ParseAuthenticationResults(const std::vector<std::string>& field_values,
                                       std::string_view authserv_id);

}  // namespace rtcc::mail
