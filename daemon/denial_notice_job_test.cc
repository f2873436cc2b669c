// QueueDenialNotices (policy 4.5): every denied request is answered once, with who declined it
// and why; requests in other states get nothing.
#include "daemon/denial_notice_job.h"

#include <gtest/gtest.h>

#include "casework/workflow.h"
#include "mail/mime_message.h"
#include "testing/temp_store.h"

namespace rtcc::daemon {
namespace {

class DenialNoticeJobTest : public testing::TempStoreTest {
 protected:
  // A request from det@pd.test, filed through intake; returns its id.
  std::string File(const std::string& message_id) {
    auto txn = store_->Begin();
    auto row = store_->messages().Record({"INBOX", 1, ++uid_, "sha-" + message_id, message_id, 1});
    casework::IncomingMail m;
    m.message_row = row;
    m.from_address = "det@pd.test";
    m.subject = "Photo request";
    m.message_id = message_id;
    m.incident_number = "26-0042";
    m.incident_type = "Robbery";
    m.purpose = "suspect in a robbery";
    m.images = {{"a.jpg", "image/jpeg", "sha-img-" + message_id, 1}};
    auto id = *casework::Intake(*store_, m, {{"pd.test"}, {}}).request_id;
    txn.Commit();
    return id;
  }
  int Denials(const std::string& id) {
    return store_->outbox().Count(id, {casework::ReplyKind::kDenied});
  }

  templates::TemplateSet templates_{RTCC_TEMPLATES_DIR, RequiredTemplates()};
  ThreadToken tokens_{std::string(32, 'k')};
  ReplyComposer replies_{templates_, {"rtcc@pd.test", "RTCC", "RTCC desk"}, tokens_};
  std::int64_t uid_ = 0;
};

TEST_F(DenialNoticeJobTest, EachDeniedRequestIsToldOnceWithTheAnalystsReason) {
  std::string denied = File("a@pd.test");
  std::string approved = File("b@pd.test");
  std::string pending = File("c@pd.test");
  casework::Deny(*store_, denied, "alice", "no incident under investigation (4.5.1)");
  casework::Approve(*store_, approved, "alice", "robbery suspect");

  EXPECT_EQ(QueueDenialNotices(*store_, replies_), 1);
  ASSERT_EQ(Denials(denied), 1);
  EXPECT_EQ(Denials(approved), 0);
  EXPECT_EQ(Denials(pending), 0);
  auto notice = store_->outbox().ForRequest(denied).back();
  EXPECT_EQ(notice.recipient, "det@pd.test");
  std::string body = mail::ParseMimeMessage(notice.raw).text_body;
  EXPECT_NE(body.find("no incident under investigation (4.5.1)"), std::string::npos) << body;
  EXPECT_NE(body.find("alice"), std::string::npos) << body;

  EXPECT_EQ(QueueDenialNotices(*store_, replies_), 0) << "a second sweep sends nothing again";
  EXPECT_EQ(Denials(denied), 1);
}

}  // namespace
}  // namespace rtcc::daemon
