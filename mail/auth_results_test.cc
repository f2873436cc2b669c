#include "mail/auth_results.h"

#include <gtest/gtest.h>

namespace rtcc::mail {
namespace {

// As Gmail's MX writes it (dkim reports header.i, not header.d).
const std::string kGoogle =
    "mx.google.com; dkim=pass header.i=@pd.test header.s=20230601 header.b=\"Xy9+/abc=\"; "
    "spf=pass (google.com: domain of det.smith@pd.test designates 192.0.2.10 as permitted "
    "sender) smtp.mailfrom=det.smith@pd.test; dmarc=pass (p=REJECT sp=REJECT dis=NONE) "
    "header.from=pd.test";

// Exchange Online: no authserv-id at all, and ';' without a space.
const std::string kMicrosoft =
    "spf=pass (sender IP is 192.0.2.20) smtp.mailfrom=pd.test; dkim=pass (signature was "
    "verified) header.d=pd.test;dmarc=pass action=none header.from=pd.test;compauth=pass "
    "reason=100";

TEST(AuthResults, GoogleShape) {
  AuthVerdict v = ParseAuthenticationResults({kGoogle}, "MX.Google.com");
  EXPECT_TRUE(v.found);
  EXPECT_EQ(v.dkim, "pass");
  EXPECT_EQ(v.dkim_domain, "pd.test");
  EXPECT_EQ(v.spf, "pass");
  EXPECT_EQ(v.dmarc, "pass");
  EXPECT_EQ(v.dmarc_header_from, "pd.test");
}

TEST(AuthResults, MicrosoftWritesNoAuthservId) {
  AuthVerdict v = ParseAuthenticationResults({kMicrosoft}, "");
  EXPECT_TRUE(v.found);
  EXPECT_EQ(v.spf, "pass");
  EXPECT_EQ(v.dkim, "pass");
  EXPECT_EQ(v.dkim_domain, "pd.test");
  EXPECT_EQ(v.dmarc, "pass");
  // A configured id never matches a field without one, and the empty id matches only those.
  EXPECT_FALSE(ParseAuthenticationResults({kMicrosoft}, "mx.pd.test").found);
  EXPECT_FALSE(ParseAuthenticationResults({kGoogle}, "").found);
}

TEST(AuthResults, PostfixWithOpenDkimAndOpenDmarcOnlyTheTopmostFieldCounts) {
  // Each milter writes its own field; OpenDMARC's (the last milter) ends up on top.
  std::vector<std::string> fields = {
      "mail.pd.test; dmarc=fail (p=reject dis=none) header.from=pd.test",
      "mail.pd.test; dkim=pass (2048-bit key; unprotected) header.d=pd.test header.i=@pd.test "
      "header.a=rsa-sha256 header.s=mail header.b=AbCd1234",
      "mail.pd.test; spf=pass smtp.mailfrom=pd.test"};
  AuthVerdict v = ParseAuthenticationResults(fields, "mail.pd.test");
  EXPECT_TRUE(v.found);
  EXPECT_EQ(v.dmarc, "fail");
  EXPECT_EQ(v.dkim, "") << "a later field, even from our server, does not count";
  EXPECT_EQ(v.spf, "");
}

TEST(AuthResults, ForgedFieldsAreIgnored) {
  std::vector<std::string> fields = {
      // Ours, prepended by the receiving server.
      "mx.pd.test; dkim=fail (bad signature) header.d=pd.test; spf=softfail "
      "smtp.mailfrom=pd.test; dmarc=fail header.from=pd.test",
      // Came with the message: another authserv-id, and one forging ours further down.
      "evil.test; dkim=pass header.d=pd.test; dmarc=pass header.from=pd.test",
      "mx.pd.test; dkim=pass header.d=pd.test; dmarc=pass header.from=pd.test"};
  AuthVerdict v = ParseAuthenticationResults(fields, "mx.pd.test");
  EXPECT_EQ(v.dkim, "fail");
  EXPECT_EQ(v.dmarc, "fail");
  EXPECT_EQ(v.spf, "softfail");
  EXPECT_TRUE(v.dkim_domain.empty());
  // A forger's field on top, when ours is absent, is still not ours.
  EXPECT_FALSE(ParseAuthenticationResults({fields[1]}, "mx.pd.test").found);
}

TEST(AuthResults, SeveralSignaturesVersionsCommentsAndNoResult) {
  AuthVerdict v = ParseAuthenticationResults(
      {"mx.pd.test 1; dkim/1=fail (body hash did not verify; sig=1) header.d=esp.test; "
       "dkim=PASS (ok) header.d=PD.test; dkim=pass header.d=esp.test; "
       "dmarc=pass (p=none; sp=none) header.from=pd.test"},
      "mx.pd.test");
  EXPECT_EQ(v.dkim, "pass");
  EXPECT_EQ(v.dkim_domain, "pd.test");
  EXPECT_EQ(v.dkim_pass_domains, (std::vector<std::string>{"pd.test", "esp.test"}));
  EXPECT_EQ(v.dmarc, "pass");

  AuthVerdict none = ParseAuthenticationResults({"mx.pd.test; none"}, "mx.pd.test");
  EXPECT_TRUE(none.found);
  EXPECT_EQ(none.dkim, "");
  EXPECT_EQ(none.dmarc, "");
  EXPECT_FALSE(ParseAuthenticationResults({}, "mx.pd.test").found);
  EXPECT_FALSE(ParseAuthenticationResults({"", ";;; (", "\"unterminated"}, "mx.pd.test").found);
}

}  // namespace
}  // namespace rtcc::mail
