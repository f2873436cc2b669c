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
