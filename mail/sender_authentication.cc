#include "mail/sender_authentication.h"

#include "mail/auth_results.h"

namespace rtcc::mail {
namespace {

// DMARC's relaxed alignment without a public-suffix list: equal, or one a subdomain of the
// other, and never a bare top-level name.
bool Aligned(const std::string& signer, const std::string& from_domain) {
  if (signer.empty() || from_domain.empty() || signer.find('.') == std::string::npos ||
      from_domain.find('.') == std::string::npos)
    return false;
  auto under = [](const std::string& sub, const std::string& parent) {
    return sub.size() > parent.size() + 1 && sub.ends_with(parent) &&
           sub[sub.size() - parent.size() - 1] == '.';
  };
  return signer == from_domain || under(from_domain, signer) || under(signer, from_domain);
}

std::string Describe(const AuthVerdict& v) {
  auto or_none = [](const std::string& s) { return s.empty() ? std::string("none") : s; };
  std::string dkim = "dkim=" + or_none(v.dkim);
  if (!v.dkim_pass_domains.empty()) {
    dkim += " (";
    for (std::size_t i = 0; i < v.dkim_pass_domains.size(); ++i)
      dkim += (i ? " " : "") + v.dkim_pass_domains[i];
    dkim += ")";
  }
  return dkim + ", dmarc=" + or_none(v.dmarc) + ", spf=" + or_none(v.spf);
}

}  // namespace

SenderAuthentication CheckSenderAuthentication(const MimeMessage& m,
                                               const AuthenticationRules& rules) {
  if (rules.authserv_id.empty() && !rules.exchange_online)
    return {false, "no authserv_id configured: Authentication-Results not read"};
  auto at = m.from_address.rfind('@');
  if (at == std::string::npos) return {false, "the From address has no domain"};
  const std::string domain = m.from_address.substr(at + 1);
  // Exchange Online's field has the empty authserv-id, which ParseAuthenticationResults matches
  // only when asked for it.
  const std::string server = rules.exchange_online ? "Exchange Online" : rules.authserv_id;
  AuthVerdict v = ParseAuthenticationResults(m.authentication_results,
                                             rules.exchange_online ? "" : rules.authserv_id);
  if (!v.found) return {false, "no Authentication-Results field from " + server};
  std::string note = server + ": " + Describe(v);
  for (const auto& signer : v.dkim_pass_domains)
    if (Aligned(signer, domain)) return {true, note + "; DKIM aligned with " + domain};
  if (rules.dmarc_suffices && v.dmarc == "pass" &&
      (v.dmarc_header_from.empty() || v.dmarc_header_from == domain))
    return {true, note + "; DMARC pass for " + domain};
  return {false, note + "; nothing vouches for " + domain};
}

}  // namespace rtcc::mail
