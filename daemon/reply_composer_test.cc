#include "daemon/reply_composer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "casework/policy.h"
#include "casework/workflow.h"
#include "mail/mime_message.h"

namespace rtcc::daemon {
namespace {

class ReplyComposerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-replies-" + std::to_string(::getpid()) +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<casework::Store>(dir_ / "db.sqlite");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A request searched with two candidates on one face, and one probe with no face.
  std::pair<casework::RequestRecord, casework::SearchRecord> Searched() {
    auto txn = store_->Begin();
    store_->RecordMessage({"INBOX", 1, 1, "s", "orig@pd.test", 1});
    casework::IncomingMail m;
    m.message_row = 1;
    m.from_address = "det@pd.test";
    m.subject = "Photo request";
    m.message_id = "orig@pd.test";
    m.incident_type = "Robbery";
    m.purpose = "suspect";
    m.images = {{"a.jpg", "image/jpeg", "sha-a", 1}, {"b.jpg", "image/jpeg", "sha-b", 1}};
    auto id = *casework::Intake(*store_, m, {{"pd.test"}, {}}).request_id;
    casework::Approve(*store_, id, "analyst", "robbery suspect");
    auto auth = casework::AuthorizeSearch(*store_, id);
    casework::NewSearch s;
    s.model_id = "model";
    s.threshold = 0.6;
    casework::FaceResult f;
    f.probe_id = auth.probes[0].id;
    f.face_index = 1;
    f.candidates = {{1, "John_Salley", "s1.jpg", 0.3}, {2, "John_Simm", "s2.jpg", 0.55}};
    s.faces = {f};
    s.probes_searched = 2;
    casework::RecordSearchResults(*store_, auth, s);
    txn.Commit();
    return {store_->GetRequest(id), store_->Searches(id).back()};
  }

  std::filesystem::path dir_;
  std::unique_ptr<casework::Store> store_;
  MailIdentity identity_{"rtcc@pd.test", "Real Time Crime Center", "RTCC"};
  ThreadToken tokens_{std::string(32, 'k')};
};

TEST_F(ReplyComposerTest, ResultsCarryEveryCandidateAndEveryCaveatInTheThread) {
  templates::TemplateSet set(RTCC_TEMPLATES_DIR, RequiredTemplates());
  ReplyComposer composer(set, identity_, tokens_);
  auto [request, search] = Searched();
  auto txn = store_->Begin();
  composer.QueueResults(*store_, request, *store_->LatestDecision(request.id), search);
  txn.Commit();

  auto mail = store_->Mail(request.id);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].kind, "results");
  EXPECT_EQ(mail[0].recipient, "det@pd.test");
  auto parsed = mail::ParseMimeMessage(mail[0].raw);
  EXPECT_EQ(parsed.subject, "Re: Photo request [" + request.id + "] - search results");
  EXPECT_EQ(parsed.in_reply_to, "orig@pd.test");
  ASSERT_FALSE(parsed.references.empty());
  EXPECT_EQ(parsed.references.front(), "orig@pd.test");
  EXPECT_EQ(parsed.auto_submitted, "auto-replied");
  EXPECT_EQ(tokens_.Verify(parsed.message_id), request.id) << "the results carry a reply token";
  const std::string& body = parsed.text_body;
  for (const auto& caveat : casework::ResultCaveats())
    EXPECT_NE(body.find(caveat), std::string::npos) << caveat;
  auto first = body.find("1. John_Salley");
  auto second = body.find("2. John_Simm");
  ASSERT_NE(first, std::string::npos) << body;
  ASSERT_NE(second, std::string::npos) << body;
  EXPECT_LT(first, second);
  EXPECT_NE(body.find("distance 0.550"), std::string::npos);
  EXPECT_NE(body.find("No face was found in this image"), std::string::npos)
      << "probe b.jpg had no face";
  EXPECT_NE(body.find("Outcome: positive identification"), std::string::npos);
}

TEST_F(ReplyComposerTest, ATemplateWithoutTheCaveatsIsRefused) {
  auto tpl = dir_ / "tpl";
  std::filesystem::create_directories(tpl);
  for (const auto& name : RequiredTemplates())
    std::ofstream(tpl / (name + ".mustache"))
        << "Subject: s\n\n{{#probes}}{{#faces}}{{#candidates}}{{subject_id}} "
           "{{/candidates}}{{/faces}}{{/probes}}\n";
  templates::TemplateSet set(tpl, RequiredTemplates());
  ReplyComposer composer(set, identity_, tokens_);
  EXPECT_THROW(composer.SelfCheck(), templates::TemplateError);
  auto [request, search] = Searched();
  auto txn = store_->Begin();
  EXPECT_THROW(composer.QueueResults(*store_, request, *store_->LatestDecision(request.id), search),
               templates::TemplateError);
}

TEST_F(ReplyComposerTest, ATemplateThatDropsCandidatesIsRefused) {
  auto tpl = dir_ / "tpl2";
  std::filesystem::create_directories(tpl);
  for (const auto& name : RequiredTemplates())
    std::ofstream(tpl / (name + ".mustache"))
        << "Subject: s\n\n{{#caveats}}{{.}}\n{{/caveats}}top candidate only\n";
  templates::TemplateSet set(tpl, RequiredTemplates());
  EXPECT_THROW(ReplyComposer(set, identity_, tokens_).SelfCheck(), templates::TemplateError);
}

TEST_F(ReplyComposerTest, ShippedTemplatesPassTheSelfCheck) {
  templates::TemplateSet set(RTCC_TEMPLATES_DIR, RequiredTemplates());
  EXPECT_NO_THROW(ReplyComposer(set, identity_, tokens_).SelfCheck());
}

TEST(BaseSubject, StripsPrefixesAndTags) {
  EXPECT_EQ(BaseSubject("Re: RE: Fwd: Photo"), "Photo");
  EXPECT_EQ(BaseSubject("Re: Photo [RTCC-2026-000001] - search results"), "Photo");
  EXPECT_EQ(BaseSubject("[RTCC-2026-000001] Photo"), "Photo");
  EXPECT_EQ(BaseSubject("Re: Reliable witness"), "Reliable witness");
  EXPECT_EQ(BaseSubject(""), "");
}

}  // namespace
}  // namespace rtcc::daemon
