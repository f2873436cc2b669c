#include "mail/rfc2231.h"

#include <gtest/gtest.h>

namespace rtcc::mail {
namespace {

std::optional<std::string> Param(std::string_view field, std::string_view name) {
  return DecodeParameter(ParseParameterizedField(field).parameters, name);
}

TEST(Rfc2231, SplitsValueAndParametersHonouringQuotesAndComments) {
  auto f = ParseParameterizedField(
      "Attachment (as sent);\r\n filename=\"a;b \\\"c\\\".jpg\"; size=10 (bytes); "
      "creation-date=\"Tue, 24 Nov 2026 10:00:00 GMT\"; broken; modification-date=x");
  EXPECT_EQ(f.value, "attachment");
  ASSERT_EQ(f.parameters.size(), 4u);
  EXPECT_EQ(f.parameters[0].name, "filename");
  EXPECT_EQ(f.parameters[0].value, "a;b \"c\".jpg");
  EXPECT_EQ(f.parameters[1].value, "10");
  EXPECT_EQ(f.parameters[2].value, "Tue, 24 Nov 2026 10:00:00 GMT");
  EXPECT_EQ(f.parameters[3].name, "modification-date");
  EXPECT_EQ(ParseParameterizedField("inline").value, "inline");
  EXPECT_TRUE(ParseParameterizedField("").parameters.empty());
}

TEST(Rfc2231, ExtendedValueWithCharsetAndLanguage) {
  // Thunderbird, Gmail: filename*=UTF-8''...
  EXPECT_EQ(Param("attachment; filename*=UTF-8''na%C3%AFve.jpg", "filename"), "na\xC3\xAFve.jpg");
  EXPECT_EQ(Param("attachment; filename*=iso-8859-1'es'C%E1mara%201.jpg", "filename"),
            "C\xC3\xA1mara 1.jpg");
  // The extended form wins over the plain one written beside it for old clients.
  EXPECT_EQ(
      Param("attachment; filename=\"naive.jpg\"; filename*=UTF-8''na%C3%AFve.jpg", "FILENAME"),
      "na\xC3\xAFve.jpg");
  // A '%' that is not an octet stays as written.
  EXPECT_EQ(Param("attachment; filename*=UTF-8''100%25%20sure%zz.jpg", "filename"),
            "100% sure%zz.jpg");
}

TEST(Rfc2231, ContinuationsAreJoinedBeforeTheCharsetIsApplied) {
  // Apple Mail splits long names; here a UTF-8 character (U+2014, E2 80 94) is split between
  // two segments, and the last segment is not extended.
  std::string field =
      "inline;\r\n\tfilename*0*=UTF-8''C%C3%A1mara%20tienda%20%E2%80;\r\n\tfilename*1*=%94%20"
      "entrada%20;\r\n\tfilename*2=\"norte.jpeg\"";
  EXPECT_EQ(Param(field, "filename"), "C\xC3\xA1mara tienda \xE2\x80\x94 entrada norte.jpeg");
  // Segments may come in any order; a gap ends the value.
  EXPECT_EQ(Param("attachment; name*1=\"b\"; name*0=\"a\"; name*3=\"d\"", "name"), "ab");
  // No "*0": no continuation.
  EXPECT_FALSE(Param("attachment; filename*1*=abc", "filename").has_value());
  // "*01" is not a segment number.
  EXPECT_FALSE(Param("attachment; filename*01=abc", "filename").has_value());
}

TEST(Rfc2231, EncodedWordsInsideQuotedValuesAsOutlookWritesThem) {
  EXPECT_EQ(Param("attachment; filename=\"=?utf-8?B?5YaZ55yfLmpwZw==?=\"", "filename"),
            "\xE5\x86\x99\xE7\x9C\x9F.jpg");  // 写真.jpg
  EXPECT_EQ(Param("attachment; filename=\"=?iso-8859-1?Q?Jos=E9_foto.jpg?=\"", "filename"),
            "Jos\xC3\xA9 foto.jpg");
}

TEST(Rfc2231, LenientWithWhatClientsGetWrong) {
  // Unquoted value with spaces, Windows path with unescaped backslashes, missing parameter.
  EXPECT_EQ(Param("attachment; filename=my photo.jpg", "filename"), "my photo.jpg");
  EXPECT_EQ(Param("attachment; filename=\"C:\\photos\\a.jpg\"", "filename"), "C:\\photos\\a.jpg");
  EXPECT_FALSE(Param("attachment; size=3", "filename").has_value());
  EXPECT_EQ(Param("attachment; filename=\"unterminated.jpg", "filename"), "unterminated.jpg");
  // Raw 8-bit bytes that are not UTF-8 become U+FFFD, never invalid UTF-8.
  EXPECT_EQ(Param("attachment; filename=\"caf\xE9.jpg\"", "filename"), "caf\xEF\xBF\xBD.jpg");
}

}  // namespace
}  // namespace rtcc::mail
