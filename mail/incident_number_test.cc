// IncidentNumberFormat: the department's numbers read wherever they are written (issue 17).
#include "mail/incident_number.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rtcc::mail {
namespace {

TEST(IncidentNumberFormat, FindsTheNumbersOfTheFormatAsWordsOfTheirOwn) {
  IncidentNumberFormat yy("YY-NNNNNN");
  EXPECT_EQ(yy.FindAll("FR request 26-004512 robbery"), (std::vector<std::string>{"26-004512"}));
  EXPECT_EQ(yy.FindAll("26-004512, 26-004513 and 26-004512 again"),
            (std::vector<std::string>{"26-004512", "26-004513"}));
  EXPECT_TRUE(yy.FindAll("2026-004512 126-0045120 A26-004512 phone 305-555-0100").empty());
  EXPECT_TRUE(yy.FindAll("").empty());
  IncidentNumberFormat long_year("YYYY-NNNNNN");
  EXPECT_EQ(long_year.FindAll("Case 2026-004512."), (std::vector<std::string>{"2026-004512"}));
  IncidentNumberFormat lettered("ANN-NNNNN");
  EXPECT_EQ(lettered.FindAll("ref P26-00451"), (std::vector<std::string>{"P26-00451"}));
  IncidentNumberFormat dotted("YY.NNNN");
  EXPECT_TRUE(dotted.FindAll("26x1234").empty()) << "punctuation is itself, not any character";
}

TEST(IncidentNumberFormat, AFormatWithoutDigitsOrLettersIsRefusedWithAnExample) {
  try {
    IncidentNumberFormat bad("--");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("YY-NNNNNN"), std::string::npos) << e.what();
  }
  EXPECT_THROW(IncidentNumberFormat(std::string(41, 'N')), std::invalid_argument);
}

TEST(IncidentNumberFormat, LinearOnHostileText) {
  IncidentNumberFormat yy("YY-NNNNNN");
  std::string digits(1 << 20, '2');
  EXPECT_TRUE(yy.FindAll(digits).empty());
  std::string many;
  for (int i = 0; i < 100'000; ++i) many += "26-000001 ";
  EXPECT_EQ(yy.FindAll(many).size(), 1u);
}

}  // namespace
}  // namespace rtcc::mail
