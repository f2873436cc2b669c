#include "mail/outgoing_message.h"

#include <gtest/gtest.h>

#include "mail/mime_message.h"

namespace rtcc::mail {
namespace {

TEST(OutgoingMessage, RoundTripsThroughTheParser) {
  OutgoingMessage out;
  out.from = "rtcc@pd.test";
  out.from_name = "Real Time Crime Center";
  out.to = "detective@pd.test";
  out.subject = "Re: b\xC3\xBAsqueda [RTCC-2026-000001]";
  out.message_id = NewMessageId("RTCC-2026-000001", "pd.test");
  out.in_reply_to = "orig@pd.test";
  out.references = {"orig@pd.test"};
  out.text_body = "Line one\nA long line " + std::string(120, 'x') + "\nCaf\xC3\xA9 = ok\n";
  out.extra_headers = {{"Auto-Submitted", "auto-replied"}};

  std::string raw = BuildMessage(out);
  EXPECT_NE(raw.find("\r\nAuto-Submitted: auto-replied\r\n"), std::string::npos);
  for (std::size_t i = 0; i < raw.size(); ++i)
    if (raw[i] == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
    }

  MimeMessage back = ParseMimeMessage(raw);
  EXPECT_EQ(back.from_address, "rtcc@pd.test");
  EXPECT_EQ(back.from_name, "Real Time Crime Center");
  EXPECT_EQ(back.subject, out.subject);
  EXPECT_EQ(back.message_id, out.message_id);
  EXPECT_EQ(back.in_reply_to, "orig@pd.test");
  EXPECT_EQ(back.auto_submitted, "auto-replied");
  EXPECT_EQ(back.text_body, out.text_body);
}

TEST(OutgoingMessage, AttachmentsRoundTripByteForByteAfterTheText) {
  OutgoingMessage out;
  out.from = "rtcc@pd.test";
  out.to = "detective@pd.test";
  out.subject = "results";
  out.message_id = NewMessageId("x", "pd.test");
  out.text_body = "See probe1-face1.jpg.\nCaf\xC3\xA9\n";
  // JFIF headers (so that the parser sniffs them as images and keeps their bytes), then every
  // byte value; lengths 267, 13 and 14 end the base64 with no, two and one '=' of padding.
  const std::vector<std::uint8_t> jfif = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10,
                                          'J',  'F',  'I',  'F',  0x00};
  auto with = [&](std::vector<std::uint8_t> tail) {
    std::vector<std::uint8_t> v = jfif;
    v.insert(v.end(), tail.begin(), tail.end());
    return v;
  };
  std::vector<std::uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  const std::vector<std::vector<std::uint8_t>> files = {with(all), with({0xFF, 0x00}),
                                                        with({0x3E, 0x3F, 0xFB})};
  out.attachments = {{"probe1-face1.jpg", "image/jpeg", files[0]},
                     {"probe1-face2.jpg", "image/jpeg", files[1]},
                     {"probe2-face1.jpg", "image/jpeg", files[2]}};
  std::string raw = BuildMessage(out);
  for (std::size_t i = 0; i < raw.size(); ++i)
    if (raw[i] == '\n') {
      ASSERT_TRUE(i > 0 && raw[i - 1] == '\r') << "bare LF at " << i;
    }
  EXPECT_NE(raw.find("Content-Type: multipart/mixed; boundary="), std::string::npos);

  MimeMessage back = ParseMimeMessage(raw);
  EXPECT_EQ(back.text_body, out.text_body);
  ASSERT_EQ(back.images.size(), 3u) << raw.substr(0, 2000);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.images[i].filename, out.attachments[i].filename);
    EXPECT_EQ(back.images[i].data, files[i]) << i;
    EXPECT_EQ(back.images[i].disposition, "attachment");
  }
}

TEST(OutgoingMessage, AttachmentsWithUnsafeNamesAreRefused) {
  OutgoingMessage out;
  out.from = "rtcc@pd.test";
  out.to = "detective@pd.test";
  out.message_id = "m@x";
  out.attachments = {{"../etc/passwd", "image/jpeg", {1}}};
  EXPECT_THROW(BuildMessage(out), std::invalid_argument);
  out.attachments = {{"a\"; x=\"y.jpg", "image/jpeg", {1}}};
  EXPECT_THROW(BuildMessage(out), std::invalid_argument);
  out.attachments = {{"a.jpg", "image/jpeg\r\nBcc: v@x", {1}}};
  EXPECT_THROW(BuildMessage(out), std::invalid_argument);
  out.attachments = {{"", "image/jpeg", {1}}};
  EXPECT_THROW(BuildMessage(out), std::invalid_argument);
  out.attachments = {{"a.jpg", "image/jpeg", {1}}};
  EXPECT_NO_THROW(BuildMessage(out));
}

TEST(OutgoingMessage, HeaderInjectionIsRefused) {
  OutgoingMessage out;
  out.from = "rtcc@pd.test";
  out.to = "a@pd.test\r\nBcc: victim@x";
  out.message_id = "m@x";
  EXPECT_THROW(BuildMessage(out), std::invalid_argument);
}

TEST(OutgoingMessage, MessageIdsAreUnique) {
  EXPECT_NE(NewMessageId("a", "pd.test"), NewMessageId("a", "pd.test"));
  EXPECT_NE(NewMessageId("a", "pd.test").find("@pd.test"), std::string::npos);
}

}  // namespace
}  // namespace rtcc::mail
