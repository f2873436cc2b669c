#include "daemon/reply_composer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "casework/policy.h"
#include "casework/request_id.h"
#include "casework/workflow.h"
#include "mail/mime_message.h"
#include "testing/temp_store.h"

namespace rtcc::daemon {
namespace {

class ReplyComposerTest : public testing::TempStoreTest {
 protected:
  // A request searched with two candidates on one poor-quality face (with its crop), one probe
  // with no face and one unreadable probe.
  std::pair<casework::RequestRecord, casework::SearchRecord> Searched() {
    auto txn = store_->Begin();
    store_->messages().Record({"INBOX", 1, 1, "s", "orig@pd.test", 1});
    casework::IncomingMail m;
    m.message_row = 1;
    m.from_address = "det@pd.test";
    m.subject = "Photo request";
    m.message_id = "orig@pd.test";
    m.incident_type = "Robbery";
    m.purpose = "suspect";
    m.images = {{"a.jpg", "image/jpeg", "sha-a", 1},
                {"b.jpg", "image/jpeg", "sha-b", 1},
                {"c.jpg", "image/jpeg", "sha-c", 1}};
    auto id = *casework::Intake(*store_, m, {{"pd.test"}, {}}).request_id;
    casework::Approve(*store_, id, "analyst", "robbery suspect");
    auto auth = casework::AuthorizeSearch(*store_, id);
    casework::NewSearch s;
    s.model_id = "model";
    s.engine_settings = "detector=hog flip=1";
    s.threshold = 0.6;
    s.gallery_faces = 53;
    s.gallery_subjects = 5;
    s.gallery_snapshot = kSnapshot;
    casework::FaceResult f;
    f.probe_id = auth.probes[0].id;
    f.face_index = 1;
    f.detector = "hog";
    f.detector_score = 0.42;
    f.quality.grade = casework::QualityGrade::kPoor;
    f.quality.reasons = {
        "The eyes are 18 px apart (under 30 px): too small for a reliable "
        "comparison."};
    f.quality.inter_eye_px = 18;
    f.quality.image_signs = {"The image has no EXIF data."};
    f.crop_jpeg = kCrop;
    f.candidates = {{1, "John_Salley", "s1.jpg", 0.3}, {2, "John_Simm", "s2.jpg", 0.55}};
    s.faces = {f};
    s.probes_searched = 3;
    s.probes = {{auth.probes[0].id, casework::ProbeStatus::kSearched, 1, "", "JPEG"},
                {auth.probes[1].id, casework::ProbeStatus::kNoFace, 0, "", "JPEG"},
                {auth.probes[2].id, casework::ProbeStatus::kUnreadable, 0,
                 "The file is not a picture rtcc can read.", ""}};
    casework::RecordSearchResults(*store_, auth, s);
    txn.Commit();
    return {store_->GetRequest(id), store_->Searches(id).back()};
  }

  static inline const std::string kSnapshot = std::string(60, 'e') + "f00d";
  static inline const std::vector<std::uint8_t> kCrop = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',
                                                         'F',  'I',  'F',  0x00, 0x01, 0xFF, 0xD9};

  // Queues the results of Searched() with `set`; returns the parsed message.
  mail::MimeMessage QueueAndParse(const templates::TemplateSet& set) {
    ReplyComposer composer(set, identity_, tokens_);
    auto [request, search] = Searched();
    auto txn = store_->Begin();
    composer.QueueResults(*store_, request, *store_->LatestDecision(request.id), search);
    txn.Commit();
    auto mail = store_->outbox().ForRequest(request.id);
    EXPECT_EQ(mail.size(), 1u);
    return mail::ParseMimeMessage(mail.at(0).raw);
  }

  // A template set whose results template is `results` and the others are the shipped ones.
  templates::TemplateSet WithResults(const std::string& results) {
    auto tpl = dir_ / "tpl-results";
    std::filesystem::create_directories(tpl);
    for (const auto& name : RequiredTemplates())
      std::filesystem::copy_file(std::filesystem::path(RTCC_TEMPLATES_DIR) / (name + ".mustache"),
                                 tpl / (name + ".mustache"),
                                 std::filesystem::copy_options::overwrite_existing);
    std::ofstream(tpl / "results.mustache", std::ios::trunc) << results;
    return templates::TemplateSet(tpl, RequiredTemplates());
  }

  // The shipped results template with `line` (a whole line) taken out.
  static std::string ShippedResultsWithout(const std::string& line) {
    std::ifstream in(std::filesystem::path(RTCC_TEMPLATES_DIR) / "results.mustache");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find(line + "\n");
    EXPECT_NE(at, std::string::npos) << line;
    if (at != std::string::npos) text.erase(at, line.size() + 1);
    return text;
  }

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

  auto mail = store_->outbox().ForRequest(request.id);
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(mail[0].kind, casework::ReplyKind::kResults);
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

TEST_F(ReplyComposerTest, EachFaceCarriesItsQualityAndCropAndTheSearchCanBeReproduced) {
  templates::TemplateSet set(RTCC_TEMPLATES_DIR, RequiredTemplates());
  auto parsed = QueueAndParse(set);
  const std::string& body = parsed.text_body;
  // Policy 4.3.4.1: the grade, its reasons in words, and a warning line for a poor face.
  EXPECT_NE(body.find("    Probe quality: poor\n"), std::string::npos) << body;
  EXPECT_NE(body.find("    " + casework::PoorQualityWarning() + "\n"), std::string::npos) << body;
  EXPECT_NE(body.find("    - The eyes are 18 px apart (under 30 px)"), std::string::npos) << body;
  EXPECT_NE(body.find("Measures: eyes 18 px apart"), std::string::npos) << body;
  EXPECT_NE(body.find("found by the hog detector (score 0.42)"), std::string::npos) << body;
  EXPECT_NE(body.find("About the file: The image has no EXIF data."), std::string::npos) << body;
  // The warning comes before the face's candidates, where the investigator reads them.
  EXPECT_LT(body.find(casework::PoorQualityWarning()), body.find("1. John_Salley"));
  // Policy 4.5.3.3/4.5.3.4: threshold, model and gallery snapshot in the reply itself.
  EXPECT_NE(body.find("Threshold:       0.60: every gallery face at a distance below 0.60"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Model:           model (detector=hog flip=1)"), std::string::npos) << body;
  EXPECT_NE(body.find("Gallery:         snapshot " + kSnapshot), std::string::npos) << body;
  EXPECT_NE(body.find("53 enrolled face images of\n                   5 people"), std::string::npos)
      << body;
  // Probes that were not searched are said so, each for its own reason.
  EXPECT_NE(body.find("Probe 2: b.jpg\n  No face was found in this image"), std::string::npos)
      << body;
  EXPECT_NE(body.find("Probe 3: c.jpg\n  This file could not be read as an image, so it was not "
                      "searched: The file is not a picture rtcc can read."),
            std::string::npos)
      << body;
  // The crop is attached under the name the text gives it.
  EXPECT_NE(body.find("Face 1 (at x=0, y=0, 0x0 pixels), attached as probe1-face1.jpg:"),
            std::string::npos)
      << body;
  ASSERT_EQ(parsed.images.size(), 1u);
  EXPECT_EQ(parsed.images[0].filename, "probe1-face1.jpg");
  EXPECT_EQ(parsed.images[0].data, kCrop);
}

TEST_F(ReplyComposerTest, ATemplateThatDropsTheQualityIsRefused) {
  for (const std::string line :
       {"    {{poor_warning}}", "    - {{.}}",
        "  This file could not be read as an image, so it was not searched: {{unreadable_detail}}",
        "  Threshold:       {{threshold}}: every gallery face at a distance below {{threshold}} is "
        "listed",
        "Probe {{index}}: {{filename}}"}) {
    SCOPED_TRACE(line);
    auto set = WithResults(ShippedResultsWithout(line));
    ReplyComposer composer(set, identity_, tokens_);
    EXPECT_THROW(composer.SelfCheck(), templates::TemplateError);
  }
  // The crop's name must be in the text that refers to it.
  auto text = ShippedResultsWithout(
      "  Face {{face_index}} (at x={{x}}, y={{y}}, {{width}}x{{height}} pixels){{#has_crop}}, "
      "attached as {{crop}}{{/has_crop}}:");
  auto set = WithResults(text);
  EXPECT_THROW(ReplyComposer(set, identity_, tokens_).SelfCheck(), templates::TemplateError);
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
  // Everything else the check asks for is there: only the candidates are missing.
  for (const auto& name : RequiredTemplates())
    std::ofstream(tpl / (name + ".mustache"))
        << "Subject: s\n\n{{#caveats}}{{.}}\n{{/caveats}}{{threshold}}\n{{#probes}}{{#faces}}"
           "{{#reasons}}{{.}}\n{{/reasons}}{{poor_warning}}\n{{crop}}\n{{/faces}}{{/probes}}"
           "top candidate only\n";
  templates::TemplateSet set(tpl, RequiredTemplates());
  try {
    ReplyComposer(set, identity_, tokens_).SelfCheck();
    ADD_FAILURE() << "a template without the candidates passed the self-check";
  } catch (const templates::TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("candidate"), std::string::npos) << e.what();
  }
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

// Found by fuzz/text_fuzzer: one pass left the tag that removing another revealed, and that
// request's id came first in the reply's subject.
TEST(BaseSubject, RemovesTheTagsThatRemovingOthersReveals) {
  EXPECT_EQ(BaseSubject("Re: [RTCC-2026-[RTCC-2026-000001]000002] Photo"), "Photo");
  EXPECT_EQ(BaseSubject("[rtcc-2026-[RTCC-2026- [RTCC-2026-000001]000002]000003] x"), "x");
  EXPECT_EQ(BaseSubject("Photo [RTCC-2026-[RTCC-2026-000001]000002] - search results"), "Photo");
}

TEST(BaseSubject, IsOneLine) {
  EXPECT_EQ(BaseSubject("Re: Photo\r\nof\nthe store"), "Photo  of the store");
}

// Found by fuzz/text_fuzzer: RFC 2047 can encode a CR LF in a subject; the reply's Subject had it,
// BuildMessage refused it, and the request was never filed (its message retried, then set aside).
TEST_F(ReplyComposerTest, ALineBreakEncodedInTheSubjectIsAnsweredOnOneLine) {
  auto incoming = mail::ParseMimeMessage(
      "From: det@pd.test\r\nSubject: =?UTF-8?Q?Photo=0D=0ABcc=3A_x@evil.test?=\r\n"
      "Message-ID: <q@pd.test>\r\n\r\nIncident Type: Robbery\r\n");
  ASSERT_NE(incoming.subject.find("\r\n"), std::string::npos);
  templates::TemplateSet set(RTCC_TEMPLATES_DIR, RequiredTemplates());
  ReplyComposer composer(set, identity_, tokens_);
  auto txn = store_->Begin();
  store_->messages().Record({"INBOX", 1, 1, "s", incoming.message_id, 1});
  casework::IncomingMail m;
  m.message_row = 1;
  m.from_address = "det@pd.test";
  m.subject = incoming.subject;
  m.message_id = incoming.message_id;
  m.incident_type = "Robbery";
  auto result = casework::Intake(*store_, m, {{"pd.test"}, {}});
  ASSERT_TRUE(result.request_id);
  IncomingRef ref{m.from_address, "", m.subject, m.message_id, {}, "", 1, 100, {}};
  EXPECT_NO_THROW(composer.QueueIntakeReply(*store_, result, ref));
  txn.Commit();
  auto mail = store_->outbox().ForRequest(*result.request_id);
  ASSERT_EQ(mail.size(), 1u);
  auto header = mail::HeaderSection(mail[0].raw);
  EXPECT_EQ(header.find("\r\nBcc:"), std::string::npos);
  auto reply = mail::ParseMimeMessage(mail[0].raw);
  EXPECT_NE(reply.subject.find("Re: Photo  Bcc: x@evil.test ["), std::string::npos)
      << reply.subject;
  EXPECT_EQ(casework::FindRequestTag(reply.subject), result.request_id);
}

}  // namespace
}  // namespace rtcc::daemon
