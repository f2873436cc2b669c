#include "mail/body_fields.h"

#include <gtest/gtest.h>

namespace rtcc::mail {
namespace {

TEST(BodyFields, ExtractsTheFieldsOfPolicy4531) {
  auto f = ExtractBodyFields(
      "Hello RTCC,\r\n"
      "\r\n"
      "Incident Number: 2026-004512\r\n"
      "Incident Type: Armed robbery\r\n"
      "Purpose: identify a suspect\r\n"
      "Camera still from the store, suspect at the counter.\r\n");
  EXPECT_EQ(f.incident_number, "2026-004512");
  EXPECT_EQ(f.incident_type, "Armed robbery");
  EXPECT_EQ(f.purpose, "identify a suspect");
  EXPECT_FALSE(f.outcome.has_value());
  EXPECT_EQ(f.notes, "Hello RTCC,\n\nCamera still from the store, suspect at the counter.");
}

TEST(BodyFields, LabelsAreLenient) {
  auto f = ExtractBodyFields(
      "incident no.: 26-1\n"
      "OFFENSE TYPE : burglary\n"
      "Purpose of search: witness\n");
  EXPECT_EQ(f.incident_number, "26-1");
  EXPECT_EQ(f.incident_type, "burglary");
  EXPECT_EQ(f.purpose, "witness");

  auto g = ExtractBodyFields("Case #: A-7\n**Incident Type:** theft\n");
  EXPECT_EQ(g.incident_number, "A-7");
  EXPECT_EQ(g.incident_type, "theft");
}

TEST(BodyFields, EmptyValuesAreAbsent) {
  auto f = ExtractBodyFields("Incident Number:\nIncident Type:   \nPurpose: suspect\n");
  EXPECT_FALSE(f.incident_number.has_value());
  EXPECT_FALSE(f.incident_type.has_value());
  EXPECT_EQ(f.purpose, "suspect");
}

TEST(BodyFields, QuotedTextAndSignaturesAreIgnored) {
  auto f = ExtractBodyFields(
      "Outcome: positive identification\n"
      "\n"
      "On Tue, 24 Nov 2026 at 10:00, RTCC <rtcc@pd.test> wrote:\n"
      "Incident Type: this is quoted and must not count\n");
  EXPECT_EQ(f.outcome, "positive identification");
  EXPECT_FALSE(f.incident_type.has_value());

  auto g = ExtractBodyFields(
      "> Incident Type: quoted\nPurpose: victim\n-- \nDet. Smith\nIncident Type: sig\n");
  EXPECT_FALSE(g.incident_type.has_value());
  EXPECT_EQ(g.purpose, "victim");
  EXPECT_EQ(g.notes, "");
}

TEST(BodyFields, FirstOccurrenceWins) {
  auto f = ExtractBodyFields("Incident Type: robbery\nIncident Type: homicide\n");
  EXPECT_EQ(f.incident_type, "robbery");
}

}  // namespace
}  // namespace rtcc::mail
