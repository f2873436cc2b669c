#include "mail/mime_message.h"

#include <gtest/gtest.h>
#include <mimetic/codec/base64.h>
#include <mimetic/codec/code.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>

#include "mail/auth_results.h"
#include "mail/body_fields.h"

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

std::vector<std::uint8_t> FromBase64(const std::string& text) {
  std::vector<std::uint8_t> out;
  mimetic::Base64::Decoder decoder;
  mimetic::decode(text.begin(), text.end(), decoder, std::back_inserter(out));
  return out;
}

const std::string kFace =
    std::string(RTCC_TEST_FACES_DIR) + "/dlib_johns/John_Salley/000179_02159509.jpg";

// A real 1x1 PNG (67 bytes).
const std::vector<std::uint8_t> kPng = FromBase64(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJg"
    "gg==");

// The first bytes of an iPhone HEIC: an ISO-BMFF "ftyp" box of brand heic.
const std::vector<std::uint8_t> kHeic = {0,   0,   0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i',
                                         'c', 0,   0, 0,    0,   'm', 'i', 'f', '1', 'h', 'e',
                                         'i', 'c', 0, 0,    0,   8,   'f', 'r', 'e', 'e'};

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
  const std::vector<std::uint8_t>& png = kPng;
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

// iPhone Mail: text, photo, text in one multipart/mixed; the photo's name in RFC 2231
// continuations (with a character split between segments) in both Content-Type and
// Content-Disposition; the second text part quoted-printable UTF-8.
TEST(MimeMessage, AppleMailInterleavedTextAndRfc2231Name) {
  auto jpeg = ReadFile(kFace);
  ASSERT_GT(jpeg.size(), 1000u) << kFace;
  std::string b = "Apple-Mail-5B1E2B2C-0D3A-4F2E-9B7A-1C2D3E4F5A6B";
  std::string raw =
      "From: \"Det. Maria L\xC3\xB3pez\" <M.Lopez@pd.test>\r\n"
      "Content-Type: multipart/mixed; boundary=" +
      b +
      "\r\n"
      "Content-Transfer-Encoding: 7bit\r\n"
      "Mime-Version: 1.0 (1.0)\r\n"
      "Subject: FR request - robbery\r\n"
      "Message-Id: <5B1E2B2C-0D3A-4F2E-9B7A-1C2D3E4F5A6B@pd.test>\r\n"
      "Date: Tue, 24 Nov 2026 10:02:11 -0500\r\n"
      "To: rtcc@pd.test\r\n"
      "X-Mailer: iPhone Mail (21B101)\r\n"
      "\r\n"
      "--" +
      b +
      "\r\n"
      "Content-Type: text/plain;\r\n\tcharset=us-ascii\r\n"
      "Content-Transfer-Encoding: 7bit\r\n"
      "\r\n"
      "Incident Number: 2026-004600\r\n"
      "Incident Type: Robbery\r\n"
      "\r\n"
      "--" +
      b +
      "\r\n"
      "Content-Type: image/jpeg;\r\n"
      "\tname*0*=UTF-8''C%C3%A1mara%20tienda%20%E2%80;\r\n"
      "\tname*1*=%94%20entrada.jpeg\r\n"
      "Content-Disposition: inline;\r\n"
      "\tfilename*0*=UTF-8''C%C3%A1mara%20tienda%20%E2%80;\r\n"
      "\tfilename*1*=%94%20entrada.jpeg\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      Base64(jpeg) +
      "\r\n"
      "--" +
      b +
      "\r\n"
      "Content-Type: text/plain;\r\n\tcharset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Purpose: identify a suspect =E2=80=94 camera at the register=0A=0ASent from my iPhone\r\n"
      "--" +
      b + "--\r\n";
  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_EQ(m.from_address, "m.lopez@pd.test");
  ASSERT_EQ(m.images.size(), 1u);
  EXPECT_EQ(m.images[0].filename, "C\xC3\xA1mara tienda \xE2\x80\x94 entrada.jpeg");
  EXPECT_EQ(m.images[0].disposition, "inline");
  EXPECT_EQ(m.images[0].data, jpeg);
  EXPECT_EQ(m.images[0].size, jpeg.size());
  EXPECT_FALSE(m.text_from_html);
  BodyFields f = ExtractBodyFields(m.text_body);
  EXPECT_EQ(f.incident_number, "2026-004600");
  EXPECT_EQ(f.incident_type, "Robbery");
  EXPECT_EQ(f.purpose, "identify a suspect \xE2\x80\x94 camera at the register")
      << "the text after the photo is part of the body";
  EXPECT_TRUE(m.other_attachments.empty());
  EXPECT_EQ(m.raw_size, raw.size());
}

// Gmail and many webmail forms send photos as application/octet-stream; Outlook names them with
// RFC 2047 words; Windows clients declare image/jpg or image/pjpeg; iPhones send HEIC.
TEST(MimeMessage, ImagesAreRecognisedByTheirBytesWhateverTheirDeclaredType) {
  auto jpeg = ReadFile(kFace);
  ASSERT_GT(jpeg.size(), 1000u) << kFace;
  std::string raw =
      "From: Det Smith <det.smith@pd.test>\r\n"
      "To: rtcc@pd.test\r\n"
      "Subject: probes\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"000000000000a1b2c3d4e5f6a7b8\"\r\n"
      "\r\n"
      "--000000000000a1b2c3d4e5f6a7b8\r\n"
      "Content-Type: text/plain; charset=\"UTF-8\"\r\n"
      "\r\n"
      "Incident Type: Theft\r\n"
      "\r\n"
      "--000000000000a1b2c3d4e5f6a7b8\r\n"
      "Content-Type: application/octet-stream; name=\"IMG_0412.JPG\"\r\n"
      "Content-Disposition: attachment; filename=\"IMG_0412.JPG\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "X-Attachment-Id: f_lq1x2y3z0\r\n"
      "Content-ID: <f_lq1x2y3z0>\r\n"
      "\r\n" +
      Base64(jpeg) +
      "\r\n--000000000000a1b2c3d4e5f6a7b8\r\n"
      "Content-Type: image/jpg; name=\"=?utf-8?B?Q8OhbWFyYSAyLmpwZw==?=\"\r\n"
      "Content-Description: =?utf-8?B?Q8OhbWFyYSAyLmpwZw==?=\r\n"
      "Content-Disposition: attachment; filename=\"=?utf-8?B?Q8OhbWFyYSAyLmpwZw==?=\";\r\n"
      "\tsize=67; creation-date=\"Tue, 24 Nov 2026 15:00:00 GMT\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      Base64(kPng) +
      "\r\n--000000000000a1b2c3d4e5f6a7b8\r\n"
      "Content-Type: application/octet-stream; name=\"IMG_5001.HEIC\"\r\n"
      "Content-Disposition: attachment; filename=\"C:\\Users\\jsmith\\Pictures\\IMG_5001.HEIC\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      Base64(kHeic) + "\r\n--000000000000a1b2c3d4e5f6a7b8--\r\n";
  MimeMessage m = ParseMimeMessage(raw);
  ASSERT_EQ(m.images.size(), 3u);
  EXPECT_EQ(m.images[0].filename, "IMG_0412.JPG");
  EXPECT_EQ(m.images[0].content_type, "image/jpeg");
  EXPECT_EQ(m.images[0].declared_type, "application/octet-stream");
  EXPECT_EQ(m.images[0].disposition, "attachment");
  EXPECT_EQ(m.images[0].data, jpeg);
  EXPECT_EQ(m.images[1].filename, "C\xC3\xA1mara 2.jpg");
  EXPECT_EQ(m.images[1].content_type, "image/png") << "the bytes, not the declared image/jpg";
  EXPECT_EQ(m.images[1].declared_type, "image/jpg");
  EXPECT_EQ(m.images[2].filename, "IMG_5001.HEIC") << "no directory part";
  EXPECT_EQ(m.images[2].content_type, "image/heic");
  EXPECT_TRUE(m.other_attachments.empty());
}

TEST(MimeMessage, NonImagesAndCorruptImagesAreOtherAttachments) {
  std::string raw =
      "From: det@pd.test\r\n"
      "Content-Type: multipart/mixed; boundary=\"_004_BN8PR09MB1234ABCDnamprd09prod_\"\r\n"
      "\r\n"
      "--_004_BN8PR09MB1234ABCDnamprd09prod_\r\n"
      "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
      "\r\n"
      "see attached\r\n"
      "--_004_BN8PR09MB1234ABCDnamprd09prod_\r\n"
      "Content-Type: image/jpeg; name=\"still.jpg\"\r\n"
      "Content-Description: still.jpg\r\n"
      "Content-Disposition: attachment; filename=\"still.jpg\"; size=40\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "VGhpcyBpcyBub3QgYSBKUEVHLCBqdXN0IHNvbWUgdGV4dC4K\r\n"
      "--_004_BN8PR09MB1234ABCDnamprd09prod_\r\n"
      "Content-Type: application/pdf; name=\"Offense Report.pdf\"\r\n"
      "Content-Disposition: attachment; filename=\"Offense Report.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==\r\n"
      "--_004_BN8PR09MB1234ABCDnamprd09prod_\r\n"
      "Content-Type: image/jpeg; name=\"empty.jpg\"\r\n"
      "Content-Disposition: attachment; filename=\"empty.jpg\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "\r\n"
      "--_004_BN8PR09MB1234ABCDnamprd09prod_--\r\n";
  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_TRUE(m.images.empty());
  ASSERT_EQ(m.other_attachments.size(), 3u);
  EXPECT_EQ(m.other_attachments[0].filename, "still.jpg");
  EXPECT_EQ(m.other_attachments[0].declared_type, "image/jpeg");
  EXPECT_EQ(m.other_attachments[0].content_type, "text/plain") << "a corrupt image";
  EXPECT_EQ(m.other_attachments[0].size, 36u);
  EXPECT_TRUE(m.other_attachments[0].data.empty()) << "data is dropped";
  EXPECT_EQ(m.other_attachments[1].filename, "Offense Report.pdf");
  EXPECT_EQ(m.other_attachments[1].content_type, "application/pdf");
  EXPECT_EQ(m.other_attachments[2].content_type, "application/x-empty");
  EXPECT_EQ(m.text_body, "see attached");
}

TEST(MimeMessage, ShiftJisAndFlowedBodies) {
  // 日本語 in Shift_JIS, base64.
  MimeMessage jp = ParseMimeMessage(
      "From: a@pd.test\r\nContent-Type: text/plain; charset=Shift_JIS\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      Base64({0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, '\r', '\n'}) + "\r\n");
  EXPECT_EQ(jp.text_body, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\n");

  // Thunderbird's format=flowed; DelSp=yes as Apple Mail writes it.
  MimeMessage flowed = ParseMimeMessage(
      "From: a@pd.test\r\nContent-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes\r\n"
      "\r\n"
      "Purpose: identify the suspect seen at the counter of the store on  \r\n"
      "Main Street\r\n"
      " From the start, space-stuffed.\r\n"
      "> quoted that \r\n"
      "> flows\r\n"
      "-- \r\n"
      "Det. Smith\r\n");
  EXPECT_EQ(flowed.text_body,
            "Purpose: identify the suspect seen at the counter of the store on Main Street\n"
            "From the start, space-stuffed.\n"
            "> quoted thatflows\n"
            "-- \n"
            "Det. Smith\n");
  EXPECT_EQ(ExtractBodyFields(flowed.text_body).purpose,
            "identify the suspect seen at the counter of the store on Main Street");
  MimeMessage fixed = ParseMimeMessage(
      "From: a@pd.test\r\nContent-Type: text/plain; format=flowed\r\n\r\none \r\ntwo\r\n");
  EXPECT_EQ(fixed.text_body, "one two\n");
}

// Outlook on the web sends HTML only; the fields sit in paragraphs and a table.
TEST(MimeMessage, HtmlOnlyOutlookBodyIsTurnedIntoText) {
  std::string raw =
      "From: \"Smith, John\" <John.Smith@pd.test>\r\n"
      "To: RTCC <rtcc@pd.test>\r\n"
      "Subject: FR request\r\n"
      "Thread-Topic: FR request\r\n"
      "Content-Language: en-US\r\n"
      "Content-Type: text/html; charset=\"iso-8859-1\"\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "MIME-Version: 1.0\r\n"
      "\r\n"
      "<html><head>\r\n"
      "<meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3Diso-8859-=\r\n"
      "1\">\r\n"
      "<style type=3D\"text/css\" style=3D\"display:none;\"> P {margin-top:0;margin-bo=\r\n"
      "ttom:0;} </style>\r\n"
      "</head>\r\n"
      "<body dir=3D\"ltr\">\r\n"
      "<div class=3D\"elementToProof\" style=3D\"font-family: Aptos, Aptos_EmbeddedFont=\r\n"
      ", Aptos_MSFontService, Calibri, Helvetica, sans-serif; font-size: 12pt;\">\r\n"
      "Incident Number: 2026-004700</div>\r\n"
      "<div class=3D\"elementToProof\">Incident Type: Vol =E0 l'=E9talage</div>\r\n"
      "<table><tr><td><p><b>Purpose:</b></p></td><td><p>witness&nbsp;</p></td></tr></table>=\r\n"
      "\r\n"
      "<div id=3D\"Signature\"><p>Det. Jos=E9 Smith</p></div>\r\n"
      "</body>\r\n"
      "</html>\r\n";
  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_TRUE(m.text_from_html);
  BodyFields f = ExtractBodyFields(m.text_body);
  EXPECT_EQ(f.incident_number, "2026-004700");
  EXPECT_EQ(f.incident_type, "Vol \xC3\xA0 l'\xC3\xA9talage");
  EXPECT_EQ(f.purpose, "witness");
  EXPECT_NE(m.text_body.find("Det. Jos\xC3\xA9 Smith"), std::string::npos) << m.text_body;
  EXPECT_EQ(m.text_body.find("margin"), std::string::npos) << "no CSS in the text";
}

TEST(MimeMessage, PlainTextWinsOverHtmlAndBlankPlainFallsBackToHtml) {
  std::string alt =
      "From: a@pd.test\r\nContent-Type: multipart/alternative; boundary=A\r\n\r\n"
      "--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPLAIN\r\n"
      "--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n--A--\r\n";
  MimeMessage m = ParseMimeMessage(alt);
  EXPECT_EQ(m.text_body, "PLAIN");
  EXPECT_FALSE(m.text_from_html);

  std::string blank =
      "From: a@pd.test\r\nContent-Type: multipart/alternative; boundary=A\r\n\r\n"
      "--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n\r\n"
      "--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Purpose: victim</p>\r\n--A--\r\n";
  MimeMessage b = ParseMimeMessage(blank);
  EXPECT_EQ(b.text_body, "Purpose: victim");
  EXPECT_TRUE(b.text_from_html);
}

// Outlook's "Forward as attachment": the probe is inside the forwarded message, whose own text
// (someone else's words) never becomes the request's text.
TEST(MimeMessage, ForwardedProbeCountsItsTextDoesNot) {
  auto jpeg = ReadFile(kFace);
  ASSERT_GT(jpeg.size(), 1000u) << kFace;
  std::string raw =
      "From: det@pd.test\r\n"
      "Subject: FW: camera still\r\n"
      "Content-Type: multipart/mixed; boundary=\"_002_outer_\"\r\n"
      "\r\n"
      "--_002_outer_\r\n"
      "Content-Type: multipart/alternative; boundary=\"_000_alt_\"\r\n"
      "\r\n"
      "--_000_alt_\r\n"
      "Content-Type: text/html; charset=\"us-ascii\"\r\n"
      "\r\n"
      "<p>Purpose: witness</p>\r\n"
      "--_000_alt_--\r\n"
      "\r\n"
      "--_002_outer_\r\n"
      "Content-Type: message/rfc822\r\n"
      "Content-Disposition: attachment; filename=\"camera still.eml\"\r\n"
      "\r\n"
      "From: store.manager@shop.test\r\n"
      "Subject: camera still\r\n"
      "Message-ID: <inner@shop.test>\r\n"
      "Content-Type: multipart/mixed; boundary=\"inner\"\r\n"
      "\r\n"
      "--inner\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "Incident Type: not the sender's words\r\n"
      "--inner\r\n"
      "Content-Type: image/jpeg; name=\"cam3.jpg\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      Base64(jpeg) +
      "\r\n--inner\r\n"
      "Content-Type: application/pdf; name=\"receipt.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==\r\n"
      "--inner--\r\n"
      "\r\n"
      "--_002_outer_--\r\n";
  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_EQ(m.text_body, "Purpose: witness") << "the outer HTML, not the inner text/plain";
  EXPECT_TRUE(m.text_from_html);
  ASSERT_EQ(m.images.size(), 1u);
  EXPECT_EQ(m.images[0].filename, "cam3.jpg");
  EXPECT_EQ(m.images[0].data, jpeg);
  ASSERT_EQ(m.other_attachments.size(), 1u);
  EXPECT_EQ(m.other_attachments[0].filename, "receipt.pdf");
  EXPECT_EQ(m.message_id, "") << "the inner Message-ID is not the message's";
}

TEST(MimeMessage, SameImageTwiceIsKeptTwice) {
  std::string part =
      "Content-Type: image/png; name=a.png\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
      Base64(kPng) + "\r\n";
  MimeMessage m = ParseMimeMessage(
      "From: a@pd.test\r\nContent-Type: multipart/mixed; "
      "boundary=b\r\n\r\n--b\r\n" +
      part + "--b\r\n" + part + "--b--\r\n");
  ASSERT_EQ(m.images.size(), 2u);
  EXPECT_EQ(m.images[0].data, m.images[1].data);
}

std::string Nested(int levels, const std::string& leaf) {
  std::string raw = "From: a@pd.test\r\n";
  for (int i = 0; i < levels; ++i)
    raw += "Content-Type: multipart/mixed; boundary=\"n" + std::to_string(i) + "\"\r\n\r\n--n" +
           std::to_string(i) + "\r\n";
  raw += leaf;
  for (int i = levels - 1; i >= 0; --i) raw += "\r\n--n" + std::to_string(i) + "--\r\n";
  return raw;
}

TEST(MimeMessage, DeeplyNestedMultipartsDoNotCrash) {
  std::string image =
      "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64(kPng);
  EXPECT_EQ(ParseMimeMessage(Nested(10, image)).images.size(), 1u);
  EXPECT_TRUE(ParseMimeMessage(Nested(60, image)).images.empty())
      << "deeper than 32 levels is not read";
  // 100,000 levels (6 MB) overflowed the stack inside mimetic before mime_limits; now the
  // containers after the 256th are leaves.
  auto start = std::chrono::steady_clock::now();
  MimeMessage deep = ParseMimeMessage(Nested(100000, image));
  EXPECT_TRUE(deep.images.empty());
  EXPECT_EQ(deep.from_address, "a@pd.test");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(MimeMessage, HugeHeaderFieldsParseInLinearTime) {
  // An 8 MB folded header takes about 17 s inside mimetic (quadratic growth of its field buffer).
  std::string folded = "X-Junk: a";
  while (folded.size() < 8'000'000) folded += "\r\n " + std::string(70, 'j');
  std::string raw = "From: a@pd.test\r\n" + folded +
                    "\r\nSubject: still read\r\nMessage-ID: <id@pd.test>\r\n\r\nbody\r\n";
  auto start = std::chrono::steady_clock::now();
  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(m.subject, "still read");
  EXPECT_EQ(m.message_id, "id@pd.test");
  EXPECT_EQ(m.text_body, "body\n");
  EXPECT_EQ(m.raw_size, raw.size());
}

// Postfix's bounce of one of rtcc's replies.
TEST(MimeMessage, DeliveryStatusNotificationNamesTheOriginalMessage) {
  std::string raw =
      "Return-Path: <>\r\n"
      "Date: Tue, 24 Nov 2026 10:05:00 -0500 (EST)\r\n"
      "From: MAILER-DAEMON@mail.pd.test (Mail Delivery System)\r\n"
      "Subject: Undelivered Mail Returned to Sender\r\n"
      "To: rtcc@pd.test\r\n"
      "Auto-Submitted: auto-replied\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status;\r\n"
      "\tboundary=\"4C1B21E0A2.1764000300/mail.pd.test\"\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "Message-Id: <20261124150500.5D6F221E0A3@mail.pd.test>\r\n"
      "\r\n"
      "This is a MIME-encapsulated message.\r\n"
      "\r\n"
      "--4C1B21E0A2.1764000300/mail.pd.test\r\n"
      "Content-Description: Notification\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n"
      "This is the mail system at host mail.pd.test.\r\n"
      "\r\n"
      "<det.gone@pd.test>: host imap.pd.test[private/dovecot-lmtp] said: 550 5.1.1\r\n"
      "    <det.gone@pd.test> User doesn't exist (in reply to RCPT TO command)\r\n"
      "\r\n"
      "--4C1B21E0A2.1764000300/mail.pd.test\r\n"
      "Content-Description: Delivery report\r\n"
      "Content-Type: message/delivery-status\r\n"
      "\r\n"
      "Reporting-MTA: dns; mail.pd.test\r\n"
      "X-Postfix-Queue-ID: 4C1B21E0A2\r\n"
      "Arrival-Date: Tue, 24 Nov 2026 10:04:59 -0500 (EST)\r\n"
      "\r\n"
      "Final-Recipient: rfc822; det.gone@pd.test\r\n"
      "Original-Recipient: rfc822;det.gone@pd.test\r\n"
      "Action: failed\r\n"
      "Status: 5.1.1\r\n"
      "Remote-MTA: dns; imap.pd.test\r\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <det.gone@pd.test> User doesn't exist\r\n"
      "    (in reply to RCPT TO command)\r\n"
      "\r\n"
      "--4C1B21E0A2.1764000300/mail.pd.test\r\n"
      "Content-Description: Undelivered Message\r\n"
      "Content-Type: message/rfc822\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n"
      "Return-Path: <rtcc@pd.test>\r\n"
      "From: RTCC <rtcc@pd.test>\r\n"
      "To: det.gone@pd.test\r\n"
      "Subject: Re: FR request [RTCC-2026-000007] - search results\r\n"
      "Message-ID: <rtcc.RTCC-2026-000007.3.a1b2c3@pd.test>\r\n"
      "Auto-Submitted: auto-replied\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"=-rtcc-1\"\r\n"
      "\r\n"
      "--=-rtcc-1\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "\r\n"
      "Incident Type: from rtcc's own reply\r\n"
      "--=-rtcc-1\r\n"
      "Content-Type: image/png; name=\"candidate-1.png\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      Base64(kPng) +
      "\r\n--=-rtcc-1--\r\n"
      "\r\n"
      "--4C1B21E0A2.1764000300/mail.pd.test--\r\n";
  MimeMessage m = ParseMimeMessage(raw);
  EXPECT_TRUE(m.is_delivery_report);
  EXPECT_EQ(m.report_type, "delivery-status");
  EXPECT_EQ(m.reported_message_ids,
            (std::vector<std::string>{"rtcc.RTCC-2026-000007.3.a1b2c3@pd.test"}));
  EXPECT_EQ(m.return_path, "<>");
  ASSERT_EQ(m.delivery_statuses.size(), 1u) << "the per-message block is not a recipient";
  EXPECT_EQ(m.delivery_statuses[0].recipient, "det.gone@pd.test");
  EXPECT_EQ(m.delivery_statuses[0].action, "failed");
  EXPECT_EQ(m.delivery_statuses[0].status, "5.1.1");
  EXPECT_EQ(m.delivery_statuses[0].diagnostic,
            "550 5.1.1 <det.gone@pd.test> User doesn't exist (in reply to RCPT TO command)");
  EXPECT_TRUE(m.images.empty()) << "the returned message's attachments are not probes";
  EXPECT_TRUE(m.other_attachments.empty());
  EXPECT_NE(m.text_body.find("User doesn't exist"), std::string::npos);
  EXPECT_FALSE(ExtractBodyFields(m.text_body).incident_type.has_value());
}

// Exchange returns only the headers (text/rfc822-headers); Outlook read receipts are
// disposition notifications.
TEST(MimeMessage, HeaderOnlyBouncesAndReadReceipts) {
  MimeMessage ndr = ParseMimeMessage(
      "From: postmaster@pd.test\r\n"
      "Content-Type: multipart/report; report-type=delivery-status;\r\n"
      "\tboundary=\"_000_ndr_\"\r\n"
      "\r\n"
      "--_000_ndr_\r\n"
      "Content-Type: multipart/alternative; boundary=\"_001_ndr_\"\r\n"
      "\r\n"
      "--_001_ndr_\r\n"
      "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
      "\r\n"
      "Delivery has failed to these recipients or groups:\r\n"
      "--_001_ndr_\r\n"
      "Content-Type: text/html; charset=\"us-ascii\"\r\n"
      "\r\n"
      "<p>Delivery has failed</p>\r\n"
      "--_001_ndr_--\r\n"
      "--_000_ndr_\r\n"
      "Content-Type: message/delivery-status\r\n"
      "\r\n"
      "Reporting-MTA: dns;EX01.pd.test\r\n"
      "\r\n"
      "Final-Recipient: rfc822;gone@pd.test\r\n"
      "Action: failed\r\n"
      "Status: 5.1.10\r\n"
      "\r\n"
      "--_000_ndr_\r\n"
      "Content-Type: text/rfc822-headers\r\n"
      "\r\n"
      "From: RTCC <rtcc@pd.test>\r\n"
      "Subject: Re: FR request [RTCC-2026-000008]\r\n"
      "Message-ID: <rtcc.RTCC-2026-000008.1.ee@pd.test>\r\n"
      "\r\n"
      "--_000_ndr_--\r\n");
  EXPECT_TRUE(ndr.is_delivery_report);
  EXPECT_EQ(ndr.reported_message_ids,
            (std::vector<std::string>{"rtcc.RTCC-2026-000008.1.ee@pd.test"}));
  EXPECT_EQ(ndr.text_body, "Delivery has failed to these recipients or groups:");
  ASSERT_EQ(ndr.delivery_statuses.size(), 1u);
  EXPECT_EQ(ndr.delivery_statuses[0].recipient, "gone@pd.test");
  EXPECT_EQ(ndr.delivery_statuses[0].status, "5.1.10");
  EXPECT_TRUE(ndr.delivery_statuses[0].diagnostic.empty());

  MimeMessage mdn = ParseMimeMessage(
      "From: det@pd.test\r\n"
      "Subject: Read: FR request [RTCC-2026-000009]\r\n"
      "Content-Type: multipart/report; report-type=disposition-notification;\r\n"
      "\tboundary=\"mdn\"\r\n"
      "\r\n"
      "--mdn\r\n"
      "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
      "\r\n"
      "Your message was read on Tuesday, November 24, 2026 10:30:00 AM.\r\n"
      "--mdn\r\n"
      "Content-Type: message/disposition-notification\r\n"
      "\r\n"
      "Reporting-UA: pd.test; Microsoft Outlook 16.0\r\n"
      "Final-Recipient: rfc822;det@pd.test\r\n"
      "Original-Message-ID: <rtcc.RTCC-2026-000009.1.ff@pd.test>\r\n"
      "Disposition: manual-action/MDN-sent-manually; displayed\r\n"
      "\r\n"
      "--mdn--\r\n");
  EXPECT_FALSE(mdn.is_delivery_report);
  EXPECT_EQ(mdn.report_type, "disposition-notification");
  EXPECT_EQ(mdn.reported_message_ids,
            (std::vector<std::string>{"rtcc.RTCC-2026-000009.1.ff@pd.test"}));
  EXPECT_TRUE(mdn.delivery_statuses.empty());

  // A bounce forwarded by a person is not a bounce.
  MimeMessage fwd = ParseMimeMessage(
      "From: det@pd.test\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
      "Content-Type: text/plain\r\n\r\nwhy did this bounce?\r\n--o\r\n"
      "Content-Type: message/rfc822\r\n\r\nFrom: postmaster@pd.test\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n"
      "--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r--\r\n--o--\r\n");
  EXPECT_FALSE(fwd.is_delivery_report);
  EXPECT_EQ(fwd.text_body, "why did this bounce?");
}

// Out-of-office replies carry header signals only (Outlook, Gmail); mailing lists carry List-Id.
TEST(MimeMessage, AutomaticMailHeaders) {
  MimeMessage oof = ParseMimeMessage(
      "From: \"Smith, John\" <John.Smith@pd.test>\r\n"
      "To: RTCC <rtcc@pd.test>\r\n"
      "Subject: Automatic reply: FR request [RTCC-2026-000010]\r\n"
      "Auto-Submitted: auto-generated\r\n"
      "X-Auto-Response-Suppress: All\r\n"
      "X-MS-Exchange-Inbox-Rules-Loop: John.Smith@pd.test\r\n"
      "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
      "\r\n"
      "I am out of the office until Monday.\r\n");
  EXPECT_EQ(oof.auto_submitted, "auto-generated");
  EXPECT_EQ(oof.x_auto_response_suppress, "all");
  EXPECT_TRUE(oof.list_id.empty());

  MimeMessage list = ParseMimeMessage(
      "From: news@pd.test\r\nPrecedence: list\r\n"
      "List-Id: \"=?UTF-8?Q?RTCC_bulletin?=\" <Bulletin.pd.test>\r\n\r\nhello\r\n");
  EXPECT_EQ(list.list_id, "bulletin.pd.test");
  EXPECT_EQ(list.precedence, "list");
  EXPECT_TRUE(list.vendor_auto_reply_field.empty());

  MimeMessage rule = ParseMimeMessage(
      "From: John.Smith@pd.test\r\nSubject: Out of the office\r\n"
      "x-ms-exchange-generated-message-source: Mailbox Rules Agent\r\n\r\nAway.\r\n");
  EXPECT_EQ(rule.vendor_auto_reply_field, "X-MS-Exchange-Generated-Message-Source")
      << "field names are case-insensitive";
}

TEST(MimeMessage, MessageIdsQuotedInText) {  // a bounce's returned header
  EXPECT_EQ(MessageIdsIn("Message-ID: <rtcc.RTCC-2026-000001.ab.cd@pd.test>\n"
                         "In-Reply-To: <a@b> <a@b> <not an id> <div> <x@y",
                         10),
            (std::vector<std::string>{"rtcc.RTCC-2026-000001.ab.cd@pd.test", "a@b"}));
  EXPECT_EQ(MessageIdsIn("<a@b><c@d><e@f>", 2), (std::vector<std::string>{"a@b", "c@d"}));
  EXPECT_EQ(MessageIdsIn("<<<a@b>", 10), (std::vector<std::string>{"a@b"}));
  EXPECT_TRUE(MessageIdsIn("<" + std::string(300, 'a') + "@b>", 10).empty()) << "too long";
  const std::string longest = std::string(248, 'a') + "@b";  // 250 characters inside the brackets
  EXPECT_EQ(MessageIdsIn("<" + longest + ">", 10), std::vector<std::string>{longest});
  EXPECT_TRUE(MessageIdsIn("<a" + longest + ">", 10).empty()) << "251 is one too many";
  EXPECT_TRUE(MessageIdsIn(std::string(1 << 20, '<'), 10).empty()) << "linear";
}

TEST(MimeMessage, AuthenticationResultsAreKeptInOrderUnfolded) {
  MimeMessage m = ParseMimeMessage(
      "Authentication-Results: mx.pd.test;\r\n"
      "\tdkim=pass (2048-bit key) header.d=pd.test header.i=@pd.test;\r\n"
      "\tdmarc=pass (p=reject dis=none) header.from=pd.test\r\n"
      "Received: from mail.shop.test by mx.pd.test\r\n"
      "authentication-results: evil.test; dkim=pass header.d=pd.test\r\n"
      "From: det@pd.test\r\n\r\nbody\r\n");
  ASSERT_EQ(m.authentication_results.size(), 2u);
  EXPECT_EQ(m.authentication_results[1], "evil.test; dkim=pass header.d=pd.test");
  EXPECT_EQ(m.authentication_results[0].find('\n'), std::string::npos);
  AuthVerdict v = ParseAuthenticationResults(m.authentication_results, "mx.pd.test");
  EXPECT_EQ(v.dkim, "pass");
  EXPECT_EQ(v.dmarc, "pass");
  EXPECT_EQ(v.dkim_domain, "pd.test");
}

TEST(MimeMessage, SignatureAndCalendarPartsAreNotAttachments) {
  MimeMessage m = ParseMimeMessage(
      "From: det@pd.test\r\n"
      "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n"
      "\tmicalg=sha-256; boundary=\"sig\"\r\n"
      "\r\n"
      "--sig\r\n"
      "Content-Type: multipart/alternative; boundary=alt\r\n"
      "\r\n"
      "--alt\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "Purpose: suspect\r\n"
      "--alt\r\n"
      "Content-Type: text/calendar; method=REQUEST; charset=\"utf-8\"\r\n"
      "\r\n"
      "BEGIN:VCALENDAR\r\n"
      "--alt--\r\n"
      "--sig\r\n"
      "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
      "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAA==\r\n"
      "--sig--\r\n");
  EXPECT_EQ(m.text_body, "Purpose: suspect");
  EXPECT_TRUE(m.other_attachments.empty());
  EXPECT_TRUE(m.images.empty());
}

// Found by fuzz/ (crash-a491c915ad9dfb072932170bdea2d2363b6d129d): a multipart without a
// boundary parameter, then a one-character part. mimetic's random-access body parser computed
// its length as -1 and threw std::length_error; ParseMimeMessage now feeds mimetic an input
// iterator, whose parser has neither this bug nor boundaries found in the middle of lines.
TEST(MimeMessage, MimeticRandomAccessParserIsNotUsed) {
  std::string crash =
      "From: a@pd.tes=?ISO-8859-1?Q?t\r\nContent-Type: multipart/mixed; boundar--\r\n\n\r\n"
      "--s\r\nColain; charset=UTF-8; format=flowed; del\r\n-- \r\nsig\r\n--s--\r\n";
  EXPECT_NO_THROW(ParseMimeMessage(crash));
  // A boundary string inside a line is text, not a boundary (RFC 2046 5.1.1).
  MimeMessage m = ParseMimeMessage(
      "From: a@pd.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
      "Content-Type: text/plain\r\n\r\nPurpose: see the--b-- marker\r\n--b--\r\n");
  EXPECT_EQ(m.text_body, "Purpose: see the--b-- marker");
}

TEST(MimeMessage, TheHeaderSectionEndsAtTheFirstEmptyLine) {
  EXPECT_EQ(HeaderSection("From: a@b\r\nSubject: x\r\n\r\nbody\r\n\r\nmore"),
            "From: a@b\r\nSubject: x\r\n\r\n");
  EXPECT_EQ(HeaderSection("From: a@b\nSubject: x\n\nbody\n"), "From: a@b\nSubject: x\n\n");
  EXPECT_EQ(HeaderSection("From: a@b\r\n"), "From: a@b\r\n") << "a header-only message";
  EXPECT_EQ(HeaderSection("\r\nbody"), "\r\n");
  auto head = ParseMimeMessage(HeaderSection(
      "From: Stranger <stranger@outside.test>\r\nSubject: hi\r\nContent-Type: text/plain\r\n"
      "\r\nIncident Type: Robbery\r\n"));
  EXPECT_EQ(head.from_address, "stranger@outside.test");
  EXPECT_EQ(head.subject, "hi");
  EXPECT_EQ(head.text_body, "") << "not a byte of the body";
}

TEST(MimeMessage, AnMboxLineOrAStrayLineDoesNotHideTheSender) {  // issue 17
  auto mbox = ParseMimeMessage(
      "From det@pd.test Tue Dec  8 09:00:00 2026\r\nFrom: Det <det@pd.test>\r\n"
      "Subject: FR request\r\n\r\nIncident Type: Robbery\r\n");
  EXPECT_EQ(mbox.from_address, "det@pd.test");
  EXPECT_EQ(mbox.subject, "FR request");
  EXPECT_EQ(mbox.text_body, "Incident Type: Robbery\n");
  auto stray = ParseMimeMessage(
      "X-Mailer: Copier 3000\r\n  (continued)\r\nthis line is not a field\r\n"
      "From: Det <det@pd.test>\r\nSubject: s\r\n\r\nbody\r\n");
  EXPECT_EQ(stray.from_address, "det@pd.test");
  EXPECT_EQ(stray.text_body, "body\n");
  // A message without a header stays one: its first line is body text.
  auto headless = ParseMimeMessage("just some text\r\nand more\r\n");
  EXPECT_TRUE(headless.from_address.empty());
  EXPECT_NE(headless.text_body.find("just some text"), std::string::npos);
  auto indented = ParseMimeMessage(" From: Det <det@pd.test>\r\nSubject: s\r\n\r\nbody\r\n");
  EXPECT_EQ(indented.from_address, "det@pd.test") << "enmime's bad-header-start";
  auto spaced = ParseMimeMessage("From : det@pd.test\r\nSubject: s\r\n\r\nbody\r\n");
  EXPECT_EQ(spaced.subject, "s") << "\"From :\" is a field, not an mbox line";
}

TEST(MimeMessage, RawEightBitHeadersAreReadNotReplaced) {  // issue 17
  // UTF-8 written raw (RFC 6532), Latin-1 in a message that declares it, Latin-1 undeclared.
  auto utf8 = ParseMimeMessage(
      "From: Jos\xC3\xA9 <det@pd.test>\r\nSubject: Solicitud \xC3\xB1\r\n\r\nx\r\n");
  EXPECT_EQ(utf8.subject, "Solicitud \xC3\xB1");
  EXPECT_EQ(utf8.from_name, "Jos\xC3\xA9");
  auto declared = ParseMimeMessage(
      "From: det@pd.test\r\nSubject: Se\xF1or \xA4\r\n"
      "Content-Type: text/plain; charset=iso-8859-15\r\n\r\nx\r\n");
  EXPECT_EQ(declared.subject, "Se\xC3\xB1or \xE2\x82\xAC") << "ISO-8859-15: 0xA4 is the euro";
  auto undeclared = ParseMimeMessage(
      "From: det@pd.test\r\nSubject: Pe\xF1"
      "a \x93"
      "x\x94\r\n\r\nx\r\n");
  EXPECT_EQ(undeclared.subject,
            "Pe\xC3\xB1"
            "a \xE2\x80\x9Cx\xE2\x80\x9D")
      << "windows-1252";
  EXPECT_EQ(undeclared.subject.find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace rtcc::mail
