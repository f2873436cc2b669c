// base/json.h: what rtccctl --json and the audit's JSON report rely on.
#include "base/json.h"

#include <gtest/gtest.h>

#include "base/utf8.h"

namespace rtcc::base {
namespace {

TEST(Json, MembersKeepTheirOrderAndTypes) {
  Json j;
  j["zeta"] = 1;
  j["alpha"] = "a";
  j["rate"] = 0.3333;
  j["none"] = JsonOrNull(std::nullopt);
  j["some"] = JsonOrNull(std::string("x"));
  j["list"] = Json::array({true, 2});
  EXPECT_EQ(JsonText(j),
            R"({"zeta":1,"alpha":"a","rate":0.3333,"none":null,"some":"x","list":[true,2]})");
}

TEST(Json, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonText(Json("a\"b\\c\n\t\x01</script>")), R"("a\"b\\c\n\t\u0001</script>")");
  EXPECT_EQ(JsonText(Json("caf\xC3\xA9")), "\"caf\xC3\xA9\"") << "UTF-8 is written as is";
}

TEST(Json, TextThatIsNotUtf8BecomesReplacementCharactersNotAnException) {
  for (const char* bad : {"bad \xFF byte", "overlong \xC0\xAF", "cut \xE2\x82", "\xED\xA0\x80"}) {
    std::string text;
    ASSERT_NO_THROW(text = JsonText(Json(bad))) << bad;
    EXPECT_TRUE(IsUtf8(text)) << text;
    EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << text;
    EXPECT_TRUE(Json::accept(text)) << text;
  }
  EXPECT_EQ(JsonText(Json("bad \xFF byte")), "\"bad \xEF\xBF\xBD byte\"");
}

}  // namespace
}  // namespace rtcc::base
