// Policy 4.5 (only authorized personnel): whether the receiving mail server vouched for the From
// address of a message, read from the Authentication-Results field that server wrote. Anyone can
// write "rtcc@miami-police.org" in From; only the domain's DKIM key or a DMARC pass proves it.
#pragma once

#include <string>

#include "mail/mime_message.h"

namespace rtcc::mail {

// Which Authentication-Results field to believe, and what in it is enough.
struct AuthenticationRules {
  std::string authserv_id;       // the receiving server's own id ("mx.pd.test")
  bool exchange_online = false;  // Microsoft 365: its field has no authserv-id (exclusive)
  bool dmarc_suffices = false;   // a DMARC pass for the From domain vouches, besides DKIM
};

struct SenderAuthentication {
  bool authenticated = false;
  std::string note;  // what the server said, for the log: "mx.pd.test: dkim=pass (pd.test), ..."
};

// Reads only the topmost Authentication-Results field written by `rules.authserv_id` (fields
// from any other authserv-id came with the message and prove nothing; see auth_results.h), or,
// with `rules.exchange_online`, the topmost field without an authserv-id (Exchange Online prepends
// its own above any that came with the message).
// Authenticated when a DKIM signature passed whose d= domain aligns with the From domain
// (the same domain, or one is a subdomain of the other), or, with `rules.dmarc_suffices`, also
// when DMARC passed for the From domain. Never authenticated when neither server is
// configured or the From address has no domain; the note then says why.
SenderAuthentication CheckSenderAuthentication(const MimeMessage& message,
                                               const AuthenticationRules& rules);

}  // namespace rtcc::mail
