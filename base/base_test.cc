// Tests of base/'s small helpers: strings, SHA-256 and hex, UTF-8.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/sha256.h"
#include "base/strings.h"
#include "base/utf8.h"

namespace rtcc::base {
namespace {

TEST(Strings, LowerTrimAndFixed) {
  EXPECT_EQ(Lower("Content-TYPE: ÄB"), "content-type: Äb") << "ASCII only";
  EXPECT_EQ(Trim("  a b \r\n"), "a b");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim("** x **", " *"), "x");
  EXPECT_EQ(Fixed(0.18949, 3), "0.189");
  EXPECT_EQ(Fixed(2.5, 0), "2");
  EXPECT_EQ(Fixed(-1.0 / 3, 2), "-0.33");
}

// Known answers (FIPS 180-2 examples): a change of these is a change of every spool name, image
// identity and trail hash.
TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(std::string_view("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(std::string_view("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 pieces;
  pieces.Add("a");
  pieces.Add("bc");
  EXPECT_EQ(pieces.Hex(), Sha256Hex(std::string_view("abc")));
  auto file = std::filesystem::temp_directory_path() / "rtcc-base-sha256-test";
  std::ofstream(file) << "abc";
  EXPECT_EQ(Sha256HexOfFile(file), Sha256Hex(std::string_view("abc")));
  std::filesystem::remove(file);
  EXPECT_THROW(Sha256HexOfFile(file), std::runtime_error);
}

TEST(Sha256, HexAndItsShape) {
  const unsigned char bytes[] = {0x0f, 0xa0, 0xff};
  EXPECT_EQ(Hex(bytes), "0fa0ff");
  EXPECT_TRUE(IsSha256Hex(Sha256Hex(std::string_view("x"))));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Hex("abc"));
}

TEST(Utf8, WellFormedOrReplaced) {
  EXPECT_TRUE(IsUtf8("año ✓ 😀"));
  EXPECT_FALSE(IsUtf8("\xC0\xAF")) << "overlong";
  EXPECT_FALSE(IsUtf8("\xED\xA0\x80")) << "surrogate";
  EXPECT_FALSE(IsUtf8("\xF4\x90\x80\x80")) << "above U+10FFFF";
  EXPECT_FALSE(IsUtf8("\xE2\x82")) << "cut short";
  EXPECT_EQ(SanitizeUtf8("a\xFF"
                         "b\xE2\x82"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("año"), "año");
  EXPECT_EQ(Utf8SequenceLength(""), 0u);
}

}  // namespace
}  // namespace rtcc::base
