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

// Outlook quotes without '>': the From/Sent/To/Subject block, then rtcc's own text, whose
// example lines ("Purpose: identify a suspect") must not become the reply's fields.
TEST(BodyFields, OutlookQuotedReplyIsIgnored) {
  auto f = ExtractBodyFields(
      "Incident Number: 2026-004512\r\n"
      "\r\n"
      "Thanks,\r\n"
      "John\r\n"
      "\r\n"
      "________________________________\r\n"
      "From: RTCC <rtcc@pd.test>\r\n"
      "Sent: Tuesday, November 24, 2026 10:00 AM\r\n"
      "To: Smith, John <John.Smith@pd.test>\r\n"
      "Subject: Re: FR request [RTCC-2026-000001] - information needed\r\n"
      "\r\n"
      "Reply to this e-mail with what is missing. For example:\r\n"
      "\r\n"
      "  Incident Number: 2026-004512\r\n"
      "  Incident Type: Robbery\r\n"
      "  Purpose: identify a suspect\r\n");
  EXPECT_EQ(f.incident_number, "2026-004512");
  EXPECT_FALSE(f.incident_type.has_value());
  EXPECT_FALSE(f.purpose.has_value());

  // Outlook for Mac and Gmail forwards write Date instead of Sent; Spanish Outlook De/Enviado.
  auto g = ExtractBodyFields(
      "Outcome: no identification\n"
      "De: RTCC <rtcc@pd.test>\n"
      "Enviado el: martes, 24 de noviembre de 2026 10:00\n"
      "Para: Smith, John\n"
      "Asunto: RE: FR request\n"
      "  Outcome: positive identification\n");
  EXPECT_EQ(g.outcome, "no identification");
  auto h = ExtractBodyFields(
      "Begin forwarded message:\n\nFrom: store@shop.test\nIncident Type: not ours\n");
  EXPECT_FALSE(h.incident_type.has_value());
}

TEST(BodyFields, AFromLineAloneIsNotAQuoteHeader) {
  auto f = ExtractBodyFields(
      "From: the store's camera 3\nDate: 11/23/2026\nIncident Type: Robbery\nPurpose: suspect\n");
  EXPECT_EQ(f.incident_type, "Robbery");
  EXPECT_EQ(f.purpose, "suspect");
}

TEST(BodyFields, BulletedLabels) {
  auto f = ExtractBodyFields(
      "- Incident Number: 26-77\n\xE2\x80\xA2 Incident Type: Assault\n\xC2\xB7 Purpose: victim\n");
  EXPECT_EQ(f.incident_number, "26-77");
  EXPECT_EQ(f.incident_type, "Assault");
  EXPECT_EQ(f.purpose, "victim");
}

TEST(BodyFields, VeryLongLinesAreSafe) {
  // std::regex on a whole 100 kB line overflowed the stack.
  std::string long_value = "Incident Type: " + std::string(500'000, 'x');
  auto f = ExtractBodyFields(long_value + "\nPurpose: suspect\n" + std::string(500'000, ':'));
  ASSERT_TRUE(f.incident_type.has_value());
  EXPECT_EQ(f.incident_type->size(), 500'000u);
  EXPECT_EQ(f.purpose, "suspect");
  auto g = ExtractBodyFields("On " + std::string(300'000, 'a') + " wrote:\nPurpose: x\n");
  EXPECT_EQ(g.purpose, "x") << "too long to be a quote header";
}

// Issue 17: the labels detectives and records systems really write, in English and Spanish.
TEST(BodyFields, LabelsOfRecordsSystemsAndSpanish) {
  struct Case {
    const char* text;
    const char* number;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"Inc #: 26-001234", "26-001234"},
           {"INC NO. 26-001234", "26-001234"},
           {"Case No.: 26-001234", "26-001234"},
           {"case number 26-001234", "26-001234"},
           {"Report Number: 26-001234", "26-001234"},
           {"CCN: 26-001234", "26-001234"},
           {"Case # 26-001234", "26-001234"},
           {"Incident number is 26-001234", "26-001234"},
           {"N\xC3\xBAmero de incidente: 26-001234", "26-001234"},
           {"N\xC3\x9AMERO DE CASO: 26-001234", "26-001234"},
           {"Caso No. 26-001234", "26-001234"},
           {"Incidente n\xC2\xBA 26-001234", "26-001234"},
       })
    EXPECT_EQ(ExtractBodyFields(c.text).incident_number, c.number) << c.text;
  auto es = ExtractBodyFields(
      "Tipo de incidente: Robo a mano armada\nProp\xC3\xB3sito: identificar al sospechoso\n");
  EXPECT_EQ(es.incident_type, "Robo a mano armada");
  EXPECT_EQ(es.purpose, "identificar al sospechoso");
  auto delito = ExtractBodyFields("Delito: hurto\nMotivo: testigo\n");
  EXPECT_EQ(delito.incident_type, "hurto");
  EXPECT_EQ(delito.purpose, "testigo");
  auto nature = ExtractBodyFields("Nature of incident: carjacking\nReason for request: suspect\n");
  EXPECT_EQ(nature.incident_type, "carjacking");
  EXPECT_EQ(nature.purpose, "suspect");
}

TEST(BodyFields, ALabelAndItsValueOnAdjacentLinesOrSeparatedByATab) {
  auto form = ExtractBodyFields(
      "Incident Number\n26-001234\n\nIncident Type:\n\nBurglary\nPurpose\tidentify a suspect\n");
  EXPECT_EQ(form.incident_number, "26-001234");
  EXPECT_EQ(form.incident_type, "Burglary");
  EXPECT_EQ(form.purpose, "identify a suspect");
  EXPECT_EQ(form.notes, "") << "the values are not notes";
  // A label whose next line is another label has no value.
  auto empty = ExtractBodyFields("Incident Number:\nIncident Type: theft\n");
  EXPECT_FALSE(empty.incident_number.has_value());
  EXPECT_EQ(empty.incident_type, "theft");
  // Ordinary sentences stay notes.
  auto prose = ExtractBodyFields("The case number is in the subject.\nReason unknown.\n");
  EXPECT_FALSE(prose.incident_number.has_value());
  EXPECT_FALSE(prose.purpose.has_value());
  EXPECT_EQ(prose.notes, "The case number is in the subject.\nReason unknown.");
}

}  // namespace
}  // namespace rtcc::mail
