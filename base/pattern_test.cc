#include "base/pattern.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace rtcc::base {
namespace {

TEST(Pattern, OneLongLineIsMatchedWithoutRecursion) {
  // Issue 9: std::regex overflowed the stack on 60,000 spaces; RE2 takes 10 MB in its stride.
  std::string line(10 * 1024 * 1024, ' ');
  line += "x";
  auto re = CompilePattern(R"(^\s*(withdraw|cancel)\b)", Case::kInsensitive);
  EXPECT_FALSE(RE2::PartialMatch(line, *re));
  line.back() = 'W';
  line += "ITHDRAW";
  EXPECT_TRUE(RE2::PartialMatch(line, *re));
}

TEST(Pattern, BytesAreCharactersAndClassesAreAscii) {
  auto re = CompilePattern(R"(^a.b\s\bc$)");
  EXPECT_TRUE(RE2::PartialMatch(std::string("a\xff") + "b c", *re)) << "invalid UTF-8 is a byte";
  EXPECT_FALSE(
      RE2::PartialMatch("a\xc2\xa0"
                        "b c",
                        *re))
      << "one character is one byte";
  EXPECT_FALSE(
      RE2::PartialMatch("aXb\xa0"
                        "c",
                        *re))
      << "a no-break space is not \\s";
  EXPECT_FALSE(RE2::PartialMatch("aXb c\n", *re)) << "$ is the end of the text";
}

TEST(Pattern, CaseIsChosen) {
  EXPECT_TRUE(RE2::FullMatch("RE", *CompilePattern("re", Case::kInsensitive)));
  EXPECT_FALSE(RE2::FullMatch("RE", *CompilePattern("re")));
}

TEST(Pattern, ABrokenPatternIsAnErrorNamingIt) {
  try {
    CompilePattern("(unclosed");
    FAIL() << "compiled";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(unclosed"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rtcc::base
