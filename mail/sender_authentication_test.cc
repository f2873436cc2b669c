#include "mail/sender_authentication.h"

#include <gtest/gtest.h>

namespace rtcc::mail {
namespace {

MimeMessage From(const std::string& address, std::vector<std::string> auth_results) {
  MimeMessage m;
  m.from_address = address;
  m.authentication_results = std::move(auth_results);
  return m;
}

AuthenticationRules Rules(const std::string& require, const std::string& authserv_id) {
  AuthenticationRules r;
  r.dmarc_suffices = require == "dmarc";
  r.authserv_id = authserv_id;
  return r;
}

TEST(SenderAuthentication, AlignedDkimPassFromOurServerVouches) {
  auto a = CheckSenderAuthentication(
      From("det@pd.test", {"mx.pd.test; dkim=pass header.d=pd.test header.s=s1; spf=pass "
                           "smtp.mailfrom=pd.test; dmarc=pass header.from=pd.test"}),
      Rules("dkim", "mx.pd.test"));
  EXPECT_TRUE(a.authenticated) << a.note;
  EXPECT_NE(a.note.find("dkim=pass (pd.test)"), std::string::npos) << a.note;
  EXPECT_NE(a.note.find("DKIM aligned with pd.test"), std::string::npos) << a.note;
  // A signature by the parent domain of the From domain is aligned (DMARC relaxed).
  EXPECT_TRUE(
      CheckSenderAuthentication(From("det@cid.pd.test", {"mx.pd.test; dkim=pass header.d=pd.test"}),
                                Rules("dkim", "mx.pd.test"))
          .authenticated);
}

TEST(SenderAuthentication, ADkimPassOfAnotherDomainDoesNotVouch) {
  // A forger signs with his own domain's key: DKIM passes, but not for pd.test.
  auto a = CheckSenderAuthentication(
      From("chief@pd.test", {"mx.pd.test; dkim=pass header.d=evil.test; dmarc=fail "
                             "header.from=pd.test"}),
      Rules("dmarc", "mx.pd.test"));
  EXPECT_FALSE(a.authenticated);
  EXPECT_NE(a.note.find("nothing vouches for pd.test"), std::string::npos) << a.note;
  // "evilpd.test" is not a subdomain of "pd.test".
  EXPECT_FALSE(CheckSenderAuthentication(
                   From("chief@pd.test", {"mx.pd.test; dkim=pass header.d=evilpd.test"}),
                   Rules("dkim", "mx.pd.test"))
                   .authenticated);
  // Nor is a bare top-level domain.
  EXPECT_FALSE(
      CheckSenderAuthentication(From("chief@pd.test", {"mx.pd.test; dkim=pass header.d=test"}),
                                Rules("dkim", "mx.pd.test"))
          .authenticated);
}

TEST(SenderAuthentication, DmarcPassCountsOnlyWhenDmarcIsRequired) {
  auto m = From("det@pd.test", {"mx.pd.test; spf=pass smtp.mailfrom=pd.test; dkim=none; "
                                "dmarc=pass header.from=pd.test"});
  EXPECT_TRUE(CheckSenderAuthentication(m, Rules("dmarc", "mx.pd.test")).authenticated);
  EXPECT_FALSE(CheckSenderAuthentication(m, Rules("dkim", "mx.pd.test")).authenticated);
  // A DMARC pass for another From domain does not vouch for this one.
  auto other = From("det@pd.test", {"mx.pd.test; dmarc=pass header.from=evil.test"});
  EXPECT_FALSE(CheckSenderAuthentication(other, Rules("dmarc", "mx.pd.test")).authenticated);
}

TEST(SenderAuthentication, OnlyTheConfiguredServersFieldCounts) {
  // The forger adds his own "pass" field; the receiving server's own field (on top) says fail.
  auto forged = From("chief@pd.test",
                     {"mx.pd.test; dkim=fail (signature did not verify) header.d=pd.test; "
                      "dmarc=fail header.from=pd.test",
                      "mx.evil.test; dkim=pass header.d=pd.test; dmarc=pass header.from=pd.test"});
  auto a = CheckSenderAuthentication(forged, Rules("dmarc", "mx.pd.test"));
  EXPECT_FALSE(a.authenticated);
  EXPECT_NE(a.note.find("dkim=fail"), std::string::npos) << a.note;
  // Only the forger's field, claiming to be from another server: not found at all.
  auto only_forged =
      From("chief@pd.test", {"mx.evil.test; dkim=pass header.d=pd.test; dmarc=pass"});
  a = CheckSenderAuthentication(only_forged, Rules("dmarc", "mx.pd.test"));
  EXPECT_FALSE(a.authenticated);
  EXPECT_EQ(a.note, "no Authentication-Results field from mx.pd.test");
  // And with no authserv-id configured nothing is read.
  a = CheckSenderAuthentication(forged, Rules("", ""));
  EXPECT_FALSE(a.authenticated);
  EXPECT_NE(a.note.find("no authserv_id configured"), std::string::npos);
}

TEST(SenderAuthentication, ExchangeOnlineFieldWithoutAuthservIdIsReadWhenConfigured) {
  // Exchange Online (Microsoft 365) writes no authserv-id; ';' without a space.
  const std::string microsoft =
      "spf=pass (sender IP is 192.0.2.20) smtp.mailfrom=pd.test; dkim=pass (signature was "
      "verified) header.d=pd.test;dmarc=pass action=none header.from=pd.test;compauth=pass "
      "reason=100";
  AuthenticationRules m365 = Rules("dkim", "");
  m365.exchange_online = true;
  auto a = CheckSenderAuthentication(From("det@pd.test", {microsoft}), m365);
  EXPECT_TRUE(a.authenticated) << a.note;
  EXPECT_EQ(a.note.rfind("Exchange Online: dkim=pass (pd.test)", 0), 0u) << a.note;
  // A server named by authserv_id never reads an id-less field.
  EXPECT_FALSE(
      CheckSenderAuthentication(From("det@pd.test", {microsoft}), Rules("dkim", "mx.pd.test"))
          .authenticated);
  // The forger's id-less "pass" lies below Microsoft's own field, which says fail.
  auto forged = From("chief@pd.test",
                     {"spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=evil.test; dkim=none "
                      "(message not signed) header.d=none;dmarc=fail action=quarantine "
                      "header.from=pd.test;compauth=fail reason=000",
                      microsoft});
  a = CheckSenderAuthentication(forged, m365);
  EXPECT_FALSE(a.authenticated);
  EXPECT_NE(a.note.find("dmarc=fail"), std::string::npos) << a.note;
  // A field with an authserv-id is not Exchange Online's.
  a = CheckSenderAuthentication(From("chief@pd.test", {"mx.evil.test; dkim=pass header.d=pd.test"}),
                                m365);
  EXPECT_FALSE(a.authenticated);
  EXPECT_EQ(a.note, "no Authentication-Results field from Exchange Online");
}

TEST(SenderAuthentication, FromWithoutDomainIsNeverAuthenticated) {
  auto a = CheckSenderAuthentication(From("det", {"mx.pd.test; dkim=pass header.d=pd.test"}),
                                     Rules("dkim", "mx.pd.test"));
  EXPECT_FALSE(a.authenticated);
  EXPECT_EQ(a.note, "the From address has no domain");
}

}  // namespace
}  // namespace rtcc::mail
