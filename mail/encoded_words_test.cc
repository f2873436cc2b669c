#include "mail/encoded_words.h"

#include <gtest/gtest.h>

#include "mail/charset.h"

namespace rtcc::mail {
namespace {

TEST(EncodedWords, DecodesQAndBInAnyCharset) {
  EXPECT_EQ(DecodeEncodedWords("=?ISO-8859-1?Q?Jos=E9_P=E9rez?="), "Jos\xC3\xA9 P\xC3\xA9rez");
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?B?Sm9zw6k=?= <j@x.org>"), "Jos\xC3\xA9 <j@x.org>");
  // Whitespace between adjacent encoded words disappears (RFC 2047 6.2), not elsewhere.
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?Q?a?= =?UTF-8?Q?b?= c"), "ab c");
  EXPECT_EQ(DecodeEncodedWords("plain subject"), "plain subject");
}

TEST(EncodedWords, EncodesNonAsciiAndRoundTrips) {
  EXPECT_EQ(EncodeHeaderValue("Re: request"), "Re: request");
  std::string subject =
      "Re: Solicitud de b\xC3\xBAsqueda \xE2\x80\x94 caf\xC3\xA9 [RTCC-2026-000001]";
  std::string encoded = EncodeHeaderValue(subject);
  EXPECT_NE(encoded.find("=?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(DecodeEncodedWords(encoded), subject);
}

TEST(Charset, ConvertsToUtf8AndReplacesGarbage) {
  EXPECT_EQ(ToUtf8("caf\xE9", "iso-8859-1"), "caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("\x93\xFA\x96\x7B", "Shift_JIS"), "\xE6\x97\xA5\xE6\x9C\xAC");  // 日本
  EXPECT_EQ(ToUtf8("a\xFF"
                   "b",
                   "utf-8"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToUtf8("abc", "no-such-charset"), "abc");
}

}  // namespace
}  // namespace rtcc::mail
