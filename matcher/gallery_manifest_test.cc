#include "matcher/gallery_manifest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace rtcc::matcher {
namespace {

bool Mentions(const std::vector<std::string>& problems, const std::string& a,
              const std::string& b = "") {
  return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) {
    return p.find(a) != std::string::npos && p.find(b) != std::string::npos;
  });
}

TEST(GalleryManifest, ReadsRowsWithQuotingAndResolvesPathsAgainstItsFolder) {
  const std::string text =
      "\xEF\xBB\xBFSubject ID,Name,Image Path,Source,Date\r\n"
      "S-1,\"Doe, John\",photos/john 1.jpg,booking,2019-03-01\r\n"
      "S-2,  Jane Roe  ,\"../elsewhere/jane,2.png\",\"DMV \"\"classic\"\"\",\r\n"
      "\r\n"
      "S-3,,/abs/olute.jpg,,2020-02-29\n";
  const Manifest m = ParseManifest(text, "/data/manifests", "m.csv");
  EXPECT_TRUE(m.problems.empty()) << m.problems.front();
  ASSERT_EQ(m.rows.size(), 3u);
  EXPECT_EQ(m.rows[0].line, 2u);
  EXPECT_EQ(m.rows[0].subject_id, "S-1");
  EXPECT_EQ(m.rows[0].name, "Doe, John");
  EXPECT_EQ(m.rows[0].image, "photos/john 1.jpg");
  EXPECT_EQ(m.rows[0].image_path, "/data/manifests/photos/john 1.jpg");
  EXPECT_EQ(m.rows[0].source, "booking");
  EXPECT_EQ(m.rows[0].date, "2019-03-01");
  EXPECT_EQ(m.rows[1].name, "Jane Roe");  // spaces around an unquoted field dropped
  EXPECT_EQ(m.rows[1].image_path, "/data/elsewhere/jane,2.png");
  EXPECT_EQ(m.rows[1].source, "DMV \"classic\"");
  EXPECT_EQ(m.rows[1].date, "");
  EXPECT_EQ(m.rows[2].line, 5u);  // the blank line counts
  EXPECT_EQ(m.rows[2].image_path, "/abs/olute.jpg");
}

TEST(GalleryManifest, ColumnsMayComeInAnyOrderAndOnlyTwoAreRequired) {
  const Manifest m = ParseManifest("image,subject\na.jpg,x\n", "/d", "m.csv");
  ASSERT_EQ(m.rows.size(), 1u);
  EXPECT_EQ(m.rows[0].subject_id, "x");
  EXPECT_EQ(m.rows[0].image_path, "/d/a.jpg");
  EXPECT_EQ(m.rows[0].name, "");
}

TEST(GalleryManifest, EachBadRowIsAProblemNamingItsLineAndTheRestIsRead) {
  const std::string text =
      "subject_id,name,image_path,source,date\n"
      "ok1,A,a.jpg,s,2020-01-01\n"                  // 2
      "bad,B,b.jpg,s\n"                             // 3: 4 fields
      ",C,c.jpg,s,\n"                               // 4: no subject
      "d,D,,s,\n"                                   // 5: no image
      "e,E,e.jpg,s,2019-02-29\n"                    // 6: not a leap year
      "f,F,f.jpg,s,01/02/2020\n"                    // 7: not ISO
      "g,G \"quoted\" mid,g.jpg,s,\n"               // 8: stray quote
      "h,\"H\" trailing,h.jpg,s,\n"                 // 9: text after closing quote
      "i,\"two\nlines\",i.jpg,s,\n"                 // 10-11: a line break inside a name
      "ok2,J,j.jpg,s,\n"                            // 12
      "k,K,k.jpg,s,,extra\n"                        // 13: 6 fields
      "l,\"never closed,l.jpg,s,\nm,M,m.jpg,s,\n";  // 14: swallows the rest
  const Manifest m = ParseManifest(text, "/d", "people.csv");
  ASSERT_EQ(m.rows.size(), 2u);
  EXPECT_EQ(m.rows[0].subject_id, "ok1");
  EXPECT_EQ(m.rows[1].subject_id, "ok2");
  EXPECT_EQ(m.rows[1].line, 12u);
  EXPECT_EQ(m.problems.size(), 10u);
  EXPECT_TRUE(Mentions(m.problems, "people.csv line 3:", "4 field(s), the header 5"));
  EXPECT_TRUE(Mentions(m.problems, "line 4:", "no subject id"));
  EXPECT_TRUE(Mentions(m.problems, "line 5:", "no image path"));
  EXPECT_TRUE(Mentions(m.problems, "line 6:", "'2019-02-29' is not a date"));
  EXPECT_TRUE(Mentions(m.problems, "line 7:", "'01/02/2020'"));
  EXPECT_TRUE(Mentions(m.problems, "line 8:", "not quoted"));
  EXPECT_TRUE(Mentions(m.problems, "line 9:", "follows a closing quote"));
  EXPECT_TRUE(Mentions(m.problems, "line 10:", "control character"));
  EXPECT_TRUE(Mentions(m.problems, "line 13:", "6 field(s)"));
  EXPECT_TRUE(Mentions(m.problems, "line 14:", "not closed"));
  for (const auto& p : m.problems) EXPECT_NE(p.find("skipped."), std::string::npos) << p;
}

TEST(GalleryManifest, AHeaderThatDoesNotNameTheColumnsIsRefused) {
  EXPECT_THROW(ParseManifest("", "/d", "m.csv"), ManifestError);
  EXPECT_THROW(ParseManifest("\n\n", "/d", "m.csv"), ManifestError);
  try {
    ParseManifest("S-1,John,a.jpg,booking,2019-01-01\n", "/d", "m.csv");  // no header
    FAIL() << "no ManifestError";
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find("m.csv line 1: unknown column 'S-1'"), std::string::npos)
        << e.what();
  }
  try {
    ParseManifest("subject_id,name,source\n", "/d", "m.csv");
    FAIL() << "no ManifestError";
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find("no image_path column"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseManifest("subject_id,image,path\n", "/d", "m.csv"), ManifestError);  // twice
  EXPECT_THROW(ReadManifest("/no/such/manifest.csv"), ManifestError);
}

}  // namespace
}  // namespace rtcc::matcher
