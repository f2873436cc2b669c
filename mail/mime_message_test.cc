#include "mail/mime_message.h"

#include <gtest/gtest.h>
#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace rtcc::mail {
namespace {

std::vector<std::uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string Base64(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  mimetic::Base64::Encoder encoder;
  mimetic::encode(bytes.begin(), bytes.end(), encoder, std::back_inserter(out));
  return out;
}

const std::string kFace =
    std::string(RTCC_TEST_FACES_DIR) + "/dlib_johns/John_Salley/000179_02159509.jpg";

TEST(MimeMessage, RequestWithJpegAttachmentAndLatin1Body) {
  auto jpeg = ReadFile(kFace);
  ASSERT_GT(jpeg.size(), 1000u) << kFace;
  std::string raw =
      "Return-Path: <det.smith@pd.test>\r\n"
      "From: =?ISO-8859-1?Q?Jos=E9_Smith?= <Det.Smith@PD.test>\r\n"
      "To: rtcc@pd.test\r\n"
      "Subject: =?UTF-8?Q?Solicitud_de_b=C3=BAsqueda?=\r\n"
      "Message-ID: <abc.123@pd.test>\r\n"
      "Date: Tue, 24 Nov 2026 10:00:00 -0500\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n"
      "\r\n"
      "--XYZ\r\n"
      "Content-Type: multipart/alternative; boundary=\"ALT\"\r\n"
      "\r\n"
      "--ALT\r\n"
      "Content-Type: text/plain; charset=ISO-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Incident Type: Robo =E0 mano armada\r\n"
      "Purpose: suspect\r\n"
      "--ALT\r\n"
      "Content-Type: text/html; charset=UTF-8\r\n"
      "\r\n"
      "<p>html version</p>\r\n"
      "--ALT--\r\n"
      "--XYZ\r\n"
      "Content-Type: image/jpeg; name=\"probe.jpg\"\r\n"
      "Content-Disposition: attachment; filename=\"probe.jpg\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      Base64(jpeg) + "\r\n--XYZ--\r\n";

  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_EQ(m.from_address, "det.smith@pd.test");
  EXPECT_EQ(m.from_name, "Jos\xC3\xA9 Smith");
  EXPECT_EQ(m.subject, "Solicitud de b\xC3\xBAsqueda");
  EXPECT_EQ(m.message_id, "abc.123@pd.test");
  EXPECT_EQ(m.return_path, "<det.smith@pd.test>");
  EXPECT_EQ(m.text_body, "Incident Type: Robo \xC3\xA0 mano armada\nPurpose: suspect");
  ASSERT_EQ(m.images.size(), 1u);
  EXPECT_EQ(m.images[0].filename, "probe.jpg");
  EXPECT_EQ(m.images[0].content_type, "image/jpeg");
  EXPECT_EQ(m.images[0].data, jpeg);  // byte-identical after base64
}

TEST(MimeMessage, ForwardedMessageAndInlineImageAreFound) {
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
  std::string raw =
      "From: a@pd.test\r\n"
      "Subject: Fwd: photo\r\n"
      "In-Reply-To: <out.1@rtcc.test>\r\n"
      "References: <req.0@pd.test>\r\n <out.1@rtcc.test>\r\n"
      "Content-Type: multipart/mixed; boundary=B1\r\n"
      "\r\n"
      "--B1\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "see below\r\n"
      "--B1\r\n"
      "Content-Type: message/rfc822\r\n"
      "\r\n"
      "From: b@pd.test\r\n"
      "Subject: photo\r\n"
      "Content-Type: multipart/related; boundary=B2\r\n"
      "\r\n"
      "--B2\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "inner\r\n"
      "--B2\r\n"
      "Content-Type: image/png\r\n"
      "Content-ID: <img1@x>\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      Base64(png) +
      "\r\n--B2--\r\n"
      "--B1--\r\n";
  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_EQ(m.text_body, "see below");
  EXPECT_EQ(m.in_reply_to, "out.1@rtcc.test");
  EXPECT_EQ(m.references, (std::vector<std::string>{"req.0@pd.test", "out.1@rtcc.test"}));
  ASSERT_EQ(m.images.size(), 1u);
  EXPECT_EQ(m.images[0].content_id, "img1@x");
  EXPECT_EQ(m.images[0].data, png);
}

TEST(MimeMessage, GarbageDoesNotCrash) {
  MimeMessage m = ParseMimeMessage("this is not a message\r\n\r\n--no boundary");
  EXPECT_TRUE(m.from_address.empty());
  EXPECT_TRUE(m.images.empty());
  MimeMessage empty = ParseMimeMessage("");
  EXPECT_TRUE(empty.text_body.empty());
}

TEST(MimeMessage, AutoReplyMarkersAreRead) {
  MimeMessage m = ParseMimeMessage(
      "From: x@pd.test\r\nAuto-Submitted: Auto-Replied\r\nPrecedence: Bulk\r\n\r\nout of "
      "office\r\n");
  EXPECT_EQ(m.auto_submitted, "auto-replied");
  EXPECT_EQ(m.precedence, "bulk");
}

TEST(MimeMessage, MessageIdsAreParsed) {
  EXPECT_EQ(ParseMessageIds("<a@b> <c@d>"), (std::vector<std::string>{"a@b", "c@d"}));
  EXPECT_EQ(ParseMessageIds("bare@id"), (std::vector<std::string>{"bare@id"}));
  EXPECT_TRUE(ParseMessageIds("  ").empty());
}

}  // namespace
}  // namespace rtcc::mail
