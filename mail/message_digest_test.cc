// mail::ContentDigest: one message through different servers is one message; a reused
// Message-ID on different content is not (issue 17: a copier's second request was dropped as a
// duplicate of its first).
#include "mail/message_digest.h"

#include <gtest/gtest.h>

#include <string>

namespace rtcc::mail {
namespace {

const std::string kAuthor =
    "From: Det. Ruiz <ruiz@pd.test>\r\nTo: rtcc@pd.test\r\nSubject: FR request\r\n"
    "Date: Tue, 08 Dec 2026 09:00:00 -0500\r\nMessage-ID: <scan-0001@copier.pd.test>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nIncident Number: 26-000123\r\n";

std::string Delivered(const std::string& trace, const std::string& message) {
  return trace + message;
}

TEST(ContentDigest, TheSameMessageByAnotherRouteIsTheSame) {
  const std::string once = Delivered(
      "Return-Path: <ruiz@pd.test>\r\nDelivered-To: rtcc@pd.test\r\n"
      "Received: from mx1.pd.test by mail.pd.test with ESMTPS id 1\r\n"
      "\tfor <rtcc@pd.test>; Tue, 08 Dec 2026 09:00:02 -0500\r\n",
      kAuthor);
  const std::string again = Delivered(
      "RETURN-PATH: <ruiz@pd.test>\r\nX-Original-To: rtcc@pd.test\r\n"
      "Received: from mx2.pd.test by mail.pd.test with ESMTPS id 2;\r\n"
      " Tue, 08 Dec 2026 09:07:41 -0500\r\n"
      "X-MS-Exchange-Organization-SCL: -1\r\nAuthentication-Results: mail.pd.test; dkim=pass\r\n"
      "ARC-Seal: i=1; a=rsa-sha256; cv=none\r\n",
      kAuthor);
  EXPECT_EQ(ContentDigest(once), ContentDigest(again));
  EXPECT_EQ(ContentDigest(once), ContentDigest(kAuthor));
}

TEST(ContentDigest, LineEndsDoNotMatter) {
  std::string lf = kAuthor;
  for (auto at = lf.find("\r\n"); at != std::string::npos; at = lf.find("\r\n", at))
    lf.erase(at, 1);
  EXPECT_EQ(ContentDigest(kAuthor), ContentDigest(lf));
}

TEST(ContentDigest, AReusedMessageIdOnANewMessageIsANewMessage) {
  std::string second = kAuthor;
  second.replace(second.find("26-000123"), 9, "26-000456");
  EXPECT_NE(ContentDigest(kAuthor), ContentDigest(second)) << "another body";
  std::string later = kAuthor;
  later.replace(later.find("09:00:00"), 8, "09:30:00");
  EXPECT_NE(ContentDigest(kAuthor), ContentDigest(later)) << "another Date";
}

TEST(ContentDigest, OnlyTheHeaderLosesTraceFields) {
  // The same words in the body are the author's.
  std::string body_a = kAuthor + "Received: from a\r\n";
  std::string body_b = kAuthor + "Received: from b\r\n";
  EXPECT_NE(ContentDigest(body_a), ContentDigest(body_b));
  // An author's field that merely resembles a trace field stays.
  std::string custom = "X-Received-By-Desk: yes\r\n" + kAuthor;
  EXPECT_NE(ContentDigest(custom), ContentDigest(kAuthor));
}

TEST(ContentDigest, AnyBytesAreAccepted) {
  for (std::string raw : {std::string(), std::string("\r\n"), std::string("no header end"),
                          std::string("Received\r\n\r\n"), std::string(":\r\n \r\n\tx\r\n"),
                          std::string("\0\xFF\r\n\r\n\0", 7)})
    EXPECT_EQ(ContentDigest(raw).size(), 64u) << raw;
}

}  // namespace
}  // namespace rtcc::mail
