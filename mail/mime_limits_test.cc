#include "mail/mime_limits.h"

#include <gtest/gtest.h>

namespace rtcc::mail {
namespace {

TEST(MimeLimits, OrdinaryMailIsNotCopied) {
  std::string raw =
      "From: a@pd.test\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
  EXPECT_FALSE(LimitMimeShape(raw).has_value());
}

TEST(MimeLimits, LongHeaderFieldsAreCutBodiesNeverAre) {
  MimeShapeLimits limits{1000, 256};
  std::string folded = "X-Long: start";
  while (folded.size() < 5000) folded += "\r\n " + std::string(70, 'f');
  std::string body_line(10000, 'A');  // unwrapped base64, as some senders write it
  std::string raw = "Subject: s\r\n" + folded + "\r\nX-After: kept\r\n\r\n" + body_line + "\r\n";
  auto out = LimitMimeShape(raw, limits);
  ASSERT_TRUE(out.has_value());
  auto header_end = out->find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_LT(header_end, 1100u);
  EXPECT_NE(out->find("\r\nX-After: kept\r\n"), std::string::npos);
  EXPECT_NE(out->find(body_line), std::string::npos);

  // A part's header (after a boundary line) is a header too; the part's body is not.
  std::string part =
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nX-Part: " + std::string(5000, 'p') +
      "\r\n\r\n" + body_line + "\r\n--b--\r\n";
  auto cut = LimitMimeShape(part, limits);
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->find(std::string(1001, 'p')), std::string::npos);
  EXPECT_NE(cut->find(body_line), std::string::npos);
}

TEST(MimeLimits, ContainersBeyondTheCapBecomeLeaves) {
  std::string raw;
  for (int i = 0; i < 10; ++i)
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
           std::to_string(i) + "\r\n";
  raw += "Content-Type: message/rfc822\r\n\r\nContent-Type: MultiPart/Related;\r\n boundary=x\r\n";
  auto count = [](const std::string& text, std::size_t& kept, std::size_t& renamed) {
    kept = renamed = 0;
    for (std::size_t p = 0; (p = text.find("Content-Type:", p)) != std::string::npos; ++p) {
      if (p >= 14 && text.compare(p - 14, 14, "X-Rtcc-Capped-") == 0)
        ++renamed;
      else
        ++kept;
    }
  };
  std::size_t kept = 0;
  std::size_t renamed = 0;
  // The body of a message/rfc822 part is a header, where the twelfth container is renamed.
  auto out = LimitMimeShape(raw, {1 << 20, 11});
  ASSERT_TRUE(out.has_value());
  count(*out, kept, renamed);
  EXPECT_EQ(kept, 11u);
  EXPECT_EQ(renamed, 1u);
  EXPECT_NE(out->find("X-Rtcc-Capped-Content-Type: MultiPart/Related;\r\n boundary=x"),
            std::string::npos);
  // With the message/rfc822 part renamed (a leaf now), its body is no longer read as a header.
  out = LimitMimeShape(raw, {1 << 20, 4});
  ASSERT_TRUE(out.has_value());
  count(*out, kept, renamed);
  EXPECT_EQ(kept, 5u);
  EXPECT_EQ(renamed, 7u);
}

}  // namespace
}  // namespace rtcc::mail
