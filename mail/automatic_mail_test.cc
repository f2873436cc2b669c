#include "mail/automatic_mail.h"

#include <gtest/gtest.h>

namespace rtcc::mail {
namespace {

MimeMessage Person() {
  MimeMessage m;
  m.from_address = "det@pd.test";
  return m;
}

TEST(AutomaticMail, PeopleAreNotAutomatic) {
  EXPECT_EQ(ClassifyAutomatic(Person(), "rtcc@pd.test"), AutomaticKind::kPerson);
  auto m = Person();
  m.auto_submitted = "no";  // RFC 3834: written by a person
  EXPECT_EQ(ClassifyAutomatic(m, "rtcc@pd.test"), AutomaticKind::kPerson);
}

TEST(AutomaticMail, EachSignOfAutomaticMail) {
  auto classify = [](auto change) {
    auto m = Person();
    change(m);
    return ClassifyAutomatic(m, "rtcc@pd.test");
  };
  EXPECT_EQ(classify([](auto& m) { m.auto_submitted = "auto-replied"; }),
            AutomaticKind::kAutoReply);
  EXPECT_EQ(classify([](auto& m) { m.auto_submitted = "auto-replied; owner-email=a@pd.test"; }),
            AutomaticKind::kAutoReply);
  EXPECT_EQ(classify([](auto& m) { m.auto_submitted = "auto-generated"; }), AutomaticKind::kOther);
  // X-Auto-Response-Suppress asks us not to auto-reply; transport rules and mailing tools stamp
  // it on people's mail, so it alone never makes a request "automatic" (that would lose it).
  EXPECT_EQ(classify([](auto& m) { m.x_auto_response_suppress = "all"; }), AutomaticKind::kPerson);
  EXPECT_EQ(classify([](auto& m) { m.x_auto_response_suppress = "dr, rn, nrn, oof, autoreply"; }),
            AutomaticKind::kPerson);
  EXPECT_EQ(classify([](auto& m) {
              m.x_auto_response_suppress = "all";
              m.auto_submitted = "auto-generated";
            }),
            AutomaticKind::kAutoReply)
      << "an Exchange out-of-office carries Auto-Submitted beside it";
  EXPECT_EQ(classify([](auto& m) { m.precedence = "list"; }), AutomaticKind::kOther);
  EXPECT_EQ(classify([](auto& m) { m.precedence = "bulk"; }), AutomaticKind::kOther);
  EXPECT_EQ(classify([](auto& m) { m.return_path = "<>"; }), AutomaticKind::kOther);
  EXPECT_EQ(classify([](auto& m) { m.from_address = "mailer-daemon@pd.test"; }),
            AutomaticKind::kOther);
  EXPECT_EQ(classify([](auto& m) { m.from_address = "rtcc@pd.test"; }), AutomaticKind::kOther);
  EXPECT_EQ(ClassifyAutomatic(Person(), "Det@PD.test"), AutomaticKind::kOther)
      << "rtcc's own address as configured, whatever its case";
  EXPECT_EQ(classify([](auto& m) { m.from_address.clear(); }), AutomaticKind::kOther);
  EXPECT_EQ(classify([](auto& m) {
              m.report_type = "delivery-status";
              m.is_delivery_report = true;
            }),
            AutomaticKind::kDeliveryReport);
  EXPECT_EQ(classify([](auto& m) { m.report_type = "disposition-notification"; }),
            AutomaticKind::kAutoReply);
}

TEST(AutomaticMail, VendorsMarkersAndSubjectsOfAutoReplies) {  // issue 17
  auto classify = [](auto change) {
    auto m = Person();
    m.subject = "FR request";
    change(m);
    return ClassifyAutomatic(m, "rtcc@pd.test");
  };
  // An Exchange out-of-office sent by an inbox rule carries no Auto-Submitted.
  EXPECT_EQ(classify([](auto& m) {
              m.vendor_auto_reply_field = "X-MS-Exchange-Generated-Message-Source";
            }),
            AutomaticKind::kAutoReply);
  EXPECT_EQ(classify([](auto& m) { m.vendor_auto_reply_field = "X-Autoreply"; }),
            AutomaticKind::kAutoReply);
  EXPECT_EQ(classify([](auto& m) { m.subject = "Automatic reply: FR request"; }),
            AutomaticKind::kAutoReply);
  EXPECT_EQ(classify([](auto& m) { m.subject = "Respuesta autom\xC3\xA1tica: solicitud"; }),
            AutomaticKind::kAutoReply);
  EXPECT_EQ(classify([](auto& m) { m.subject = "Re: FR request"; }), AutomaticKind::kPerson);
}

TEST(AutomaticMail, ABounceWrittenAsPlainTextIsADeliveryReport) {  // issue 17
  MimeMessage m;
  m.from_address = "mailer-daemon@mx.other.test";
  m.return_path = "<>";
  m.subject = "Undelivered Mail Returned to Sender";
  m.text_body = "This is the mail system at host mx.other.test.\n\nI'm sorry to have to inform you";
  EXPECT_EQ(ClassifyAutomatic(m, "rtcc@pd.test"), AutomaticKind::kDeliveryReport);
  EXPECT_EQ(WorstDeliveryAction(m), DeliveryAction::kFailed);
  EXPECT_EQ(DeliveryReason(m), "This is the mail system at host mx.other.test.");
  for (const char* failed :
       {"Undeliverable: FR results", "failure notice", "Delivery Status Notification (Failure)",
        "Mail delivery failed", "No se puede entregar: resultados", "Unzustellbar: Ergebnis"}) {
    m.subject = failed;
    EXPECT_EQ(WorstDeliveryAction(m), DeliveryAction::kFailed) << failed;
  }
  m.subject = "Delivery Status Notification (Delay)";
  EXPECT_EQ(WorstDeliveryAction(m), DeliveryAction::kDelayed);
  m.subject = "Warning: message 4CkR delayed 4 hours";
  EXPECT_EQ(WorstDeliveryAction(m), DeliveryAction::kDelayed);
  // The mail system's other notices are automatic, not bounces.
  m.subject = "Postmaster notice: mailbox quota";
  EXPECT_EQ(ClassifyAutomatic(m, "rtcc@pd.test"), AutomaticKind::kOther);
  // A person's words about a failed delivery are a person's.
  MimeMessage person = Person();
  person.subject = "Undeliverable address in my last request";
  EXPECT_EQ(ClassifyAutomatic(person, "rtcc@pd.test"), AutomaticKind::kPerson);
}

TEST(AutomaticMail, DeliveryReasonNamesEveryRecipient) {
  MimeMessage m;
  m.is_delivery_report = true;
  m.delivery_statuses = {{"a@pd.test", "delayed", "4.4.1", "connect timed out"},
                         {"b@pd.test", "failed", "5.1.1", "550 5.1.1 User unknown"}};
  EXPECT_EQ(WorstDeliveryAction(m), DeliveryAction::kFailed) << "a failure outweighs a delay";
  EXPECT_EQ(DeliveryReason(m),
            "a@pd.test: 4.4.1 connect timed out; b@pd.test: 5.1.1 550 5.1.1 User unknown");
  m.delivery_statuses.pop_back();
  EXPECT_EQ(WorstDeliveryAction(m), DeliveryAction::kDelayed);
  m.delivery_statuses = {{"c@pd.test", "delivered", "", ""}};
  EXPECT_EQ(WorstDeliveryAction(m), DeliveryAction::kOther);
  EXPECT_EQ(DeliveryReason(m), "c@pd.test: delivered");
  // No status part: the first line of the report's text.
  m.delivery_statuses.clear();
  m.text_body = "\n  Delivery has failed to these recipients or groups:\nx@pd.test\n";
  EXPECT_EQ(DeliveryReason(m), "Delivery has failed to these recipients or groups:");
  m.delivery_statuses = {{std::string(3000, 'x'), "failed", "5.0.0", ""}};
  EXPECT_LE(DeliveryReason(m).size(), 1003u);
}

TEST(AutomaticMail, UnusedAttachmentsAreNamedWithWhy) {
  MimeMessage m;
  mail::Attachment pdf;
  pdf.filename = "report.pdf";
  pdf.content_type = "application/pdf";
  pdf.declared_type = "application/octet-stream";
  mail::Attachment corrupt;
  corrupt.filename = "IMG_0412.jpg";
  corrupt.content_type = "application/octet-stream";
  corrupt.declared_type = "image/jpeg";
  corrupt.size = 12;
  mail::Attachment empty;
  empty.content_type = "application/x-empty";
  empty.declared_type = "image/png";
  m.other_attachments = {pdf, corrupt, empty};
  EXPECT_EQ(UnusedAttachments(m),
            (std::vector<std::string>{
                "report.pdf (application/pdf) was not used: only photos are searched",
                "IMG_0412.jpg (declared image/jpeg) was not used: it is not a readable image "
                "(its bytes are application/octet-stream)",
                "an unnamed attachment (declared image/png) was not used: it is not a readable "
                "image (it is empty)"}));
}

}  // namespace
}  // namespace rtcc::mail
