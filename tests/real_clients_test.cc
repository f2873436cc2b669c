// Issue 17 through the real loopback Dovecot and Postfix: what real clients and servers send that
// rtcc used to lose or answer. A scan-to-email copier reuses its Message-ID for a new request
// (both are filed); the same message delivered a second time by another route (Postfix adds its
// own trace fields) is a duplicate; an out-of-office sent by an Exchange inbox rule, with no
// Auto-Submitted field, is never answered.
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "testing/rtcc_site.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kFaces = RTCC_TEST_FACES_DIR;
const std::filesystem::path kSalley = kFaces / "dlib_johns/John_Salley/000179_02159509.jpg";
const std::filesystem::path kSimm = kFaces / "dlib_johns/John_Simm/000288_00470387.jpg";

class RealClients : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "the loopback mail stack runs Dovecot and Postfix as root";
  }
};

TEST_F(RealClients, ReusedMessageIdsRedeliveriesAndRuleOutOfOffice) {
  RtccSite site("real-clients");
  const std::string kFields =
      "Incident Number: 26-004512\r\nIncident Type: Burglary\r\nPurpose: identify a suspect\r\n";
  // The copier: one Message-ID for every scan it sends.
  const std::string first = RequestMessage("detective@pd.test", "Scan from MFP-3F",
                                           "0000000001@mfp-3f.pd.test", kFields, {kSalley});
  const std::string second =
      RequestMessage("detective@pd.test", "Scan from MFP-3F", "0000000001@mfp-3f.pd.test",
                     "Incident Number: 26-004513\r\nIncident Type: Robbery\r\n"
                     "Purpose: identify a suspect\r\n",
                     {kSimm}, "X-Scan-Job: 2\r\n");
  site.mail().Inject("detective@pd.test", "rtcc@pd.test", first);
  site.mail().Inject("detective@pd.test", "rtcc@pd.test", second);
  // The first scan again, by another route: new Received and Return-Path fields, same message.
  site.mail().Inject("detective@pd.test", "rtcc@pd.test", first);
  auto run = site.Daemon(2);
  ASSERT_EQ(run.exit_code, 0) << run.output;

  // The detective's mailbox answers rtcc's acknowledgement by an inbox rule, in its thread.
  std::string ack_id;
  {
    auto store = site.Store();
    for (const auto& r : store.ListRequests())
      if (r.incident_number == "26-004512")
        ack_id = store.outbox().ForRequest(r.id).at(0).message_id;
  }
  ASSERT_FALSE(ack_id.empty()) << run.output;
  site.mail().Inject("detective@pd.test", "rtcc@pd.test",
                     "From: Detective Test <detective@pd.test>\r\nTo: RTCC <rtcc@pd.test>\r\n"
                     "Subject: Automatic reply: Scan from MFP-3F\r\n"
                     "Message-ID: <oof-1@pd.test>\r\nDate: Wed, 25 Nov 2026 10:05:00 -0500\r\n"
                     "In-Reply-To: <" +
                         ack_id + ">\r\nReferences: <" + ack_id +
                         ">\r\n"
                         "X-MS-Exchange-Inbox-Rules-Loop: detective@pd.test\r\n"
                         "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                         "I am out of the office until Monday.\r\n");
  run = site.Daemon(2);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(site.mail().WaitForQueueEmpty());

  auto store = site.Store();
  auto requests = store.ListRequests();
  ASSERT_EQ(requests.size(), 2u) << "both scans are requests, the redelivery is not\n"
                                 << run.output;
  std::set<std::string> incidents;
  for (const auto& r : requests) incidents.insert(r.incident_number.value_or(""));
  EXPECT_EQ(incidents, (std::set<std::string>{"26-004512", "26-004513"}));

  int duplicates = 0, auto_replies = 0;
  for (const auto& r : requests)
    for (const auto& m : store.messages().ForRequest(r.id)) {
      duplicates += m.kind == casework::MessageKind::kDuplicate;
      auto_replies += m.kind == casework::MessageKind::kAutoReply;
    }
  EXPECT_EQ(duplicates, 1) << "the second delivery of the first scan";
  EXPECT_EQ(auto_replies, 1) << "the out-of-office, filed with the request it answers";

  // Exactly the two acknowledgements reach the detective: nothing for the duplicate or the
  // out-of-office.
  auto inbox = site.mail().WaitForMessages("REQUESTOR", 2);
  EXPECT_EQ(inbox.size(), 2u);
  for (const auto& m : inbox)
    EXPECT_NE(m.text_body.find("has received your facial recognition request"), std::string::npos)
        << m.subject << "\n"
        << m.text_body;
}

}  // namespace
}  // namespace rtcc::testing
