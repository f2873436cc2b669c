// The walking skeleton, end to end: a real Dovecot and Postfix on 127.0.0.1, real face photos,
// the real rtccd and rtccctl binaries. One request travels the whole path of DESIGN.md:
// e-mail -> acknowledgement -> analyst approval -> face search -> results e-mail with caveats ->
// outcome reply -> search log.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "casework/policy.h"
#include "casework/store.h"
#include "testing/rtcc_site.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kFaces = RTCC_TEST_FACES_DIR;
const std::filesystem::path kProbe = kFaces / "dlib_johns/John_Salley/000179_02159509.jpg";

class EndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0)
      GTEST_SKIP() << "the loopback mail stack runs Dovecot and Postfix as root";
    site_ = new RtccSite("e2e");
    // The gallery: every dlib_johns photo except the probe.
    for (const auto& person : std::filesystem::directory_iterator(kFaces / "dlib_johns")) {
      auto dest = site_->dir() / "gallery" / person.path().filename();
      std::filesystem::create_directories(dest);
      for (const auto& photo : std::filesystem::directory_iterator(person))
        if (photo.path() != kProbe)
          std::filesystem::copy_file(photo, dest / photo.path().filename());
    }
    auto enrolled = site_->Ctl("gallery enroll " + (site_->dir() / "gallery").string());
    ASSERT_EQ(enrolled.exit_code, 0) << enrolled.output;
    // 54 photos; two of John_Shimkus's are byte-identical, and the same image is enrolled once.
    ASSERT_NE(enrolled.output.find("enrolled 53 face(s) from 54 image(s); 1 already enrolled"),
              std::string::npos)
        << enrolled.output;
  }

  static void TearDownTestSuite() {
    delete site_;
    site_ = nullptr;
  }

  void SetUp() override {
    if (!site_) GTEST_SKIP();
    stack_ = &site_->mail();
    dir_ = site_->dir();
  }

  static CommandResult Ctl(const std::string& args) { return site_->Ctl(args); }
  static CommandResult Daemon(int ticks) { return site_->Daemon(ticks); }
  static casework::Store Store() { return site_->Store(); }

  static inline RtccSite* site_ = nullptr;
  const MailStack* stack_ = nullptr;
  std::filesystem::path dir_;
};

std::string RequestIdIn(const std::string& subject) {
  std::smatch m;
  std::regex_search(subject, m, std::regex(R"(\[(RTCC-\d{4}-\d{6})\])"));
  return m.size() > 1 ? m[1].str() : "";
}

TEST_F(EndToEnd, OneRequestTravelsTheWholeWay) {
  // 1. A detective e-mails a request with a probe photo.
  stack_->Inject(
      "detective@pd.test", "rtcc@pd.test",
      RequestMessage(
          "detective@pd.test", "FR request - robbery at 5th St", "req-1@pd.test",
          "Hello RTCC,\r\n\r\nIncident Number: 2026-004512\r\nIncident Type: Armed robbery\r\n"
          "Purpose: identify a suspect\r\n\r\nStill from the store camera.\r\n",
          {kProbe}));
  auto d1 = Daemon(2);
  ASSERT_EQ(d1.exit_code, 0) << d1.output;

  // 2. The acknowledgement comes back in the thread, with the request id in the subject.
  auto inbox = stack_->WaitForMessages("REQUESTOR", 1);
  ASSERT_EQ(inbox.size(), 1u) << d1.output;
  const auto ack = inbox[0];
  std::string id = RequestIdIn(ack.subject);
  ASSERT_FALSE(id.empty()) << ack.subject;
  EXPECT_EQ(ack.in_reply_to, "req-1@pd.test");
  EXPECT_EQ(ack.auto_submitted, "auto-replied");
  EXPECT_NE(ack.text_body.find("2026-004512"), std::string::npos) << ack.text_body;
  // The message left the inbox for the processed folder only after it was recorded.
  EXPECT_TRUE(stack_->Messages("RTCC", "INBOX").empty());
  EXPECT_EQ(stack_->Messages("RTCC", "rtcc-processed").size(), 1u);

  // 3. No search before approval (policy 4.5): the request waits in the queue.
  auto queue = Ctl("queue");
  ASSERT_EQ(queue.exit_code, 0) << queue.output;
  EXPECT_NE(queue.output.find(id), std::string::npos) << queue.output;
  EXPECT_TRUE(Store().SearchLog().empty());

  // Someone not on the roster cannot approve.
  auto intruder = Ctl("approve " + id + " --analyst mallory --reason because");
  EXPECT_EQ(intruder.exit_code, 3) << intruder.output;

  // 4. The analyst approves; the daemon searches and replies with every candidate.
  auto approve =
      Ctl("approve " + id + " --analyst analyst --reason \"armed robbery suspect, probe usable\"");
  ASSERT_EQ(approve.exit_code, 0) << approve.output;
  auto d2 = Daemon(1);
  ASSERT_EQ(d2.exit_code, 0) << d2.output;
  inbox = stack_->WaitForMessages("REQUESTOR", 2);
  ASSERT_EQ(inbox.size(), 2u) << d2.output;
  const auto results = inbox[1];
  EXPECT_NE(results.subject.find("[" + id + "]"), std::string::npos) << results.subject;
  EXPECT_NE(results.subject.find("search results"), std::string::npos) << results.subject;
  ASSERT_FALSE(results.references.empty());
  EXPECT_EQ(results.references.front(), "req-1@pd.test");
  const std::string& body = results.text_body;
  EXPECT_NE(body.find("    1. John_Salley "), std::string::npos)
      << body;  // right identity at rank 1
  for (const auto& caveat : casework::ResultCaveats())
    EXPECT_NE(body.find(caveat), std::string::npos) << "missing caveat: " << caveat;
  // Policy 4.3.4.1: the face's probe quality grade and its measures, in words.
  EXPECT_TRUE(std::regex_search(body, std::regex(R"(\n    Probe quality: (good|fair|poor)\n)")))
      << body;
  EXPECT_TRUE(std::regex_search(
      body, std::regex(R"(Measures: eyes \d+ px apart, sharpness [0-9.]+, head turned -?\d+ deg)")))
      << body;
  // The threshold, model and gallery snapshot of this very search (policy 4.5.3.3, 4.5.3.4).
  EXPECT_NE(body.find("Threshold:       0.60: every gallery face at a distance below 0.60"),
            std::string::npos)
      << body;
  EXPECT_NE(
      body.find("Model:           dlib_face_recognition_resnet_model_v1 (detector=hog flip=1"),
      std::string::npos)
      << body;
  auto stats = Ctl("gallery stats");
  std::smatch snapshot;
  ASSERT_TRUE(std::regex_search(stats.output, snapshot, std::regex(R"(snapshot: ([0-9a-f]{64}))")))
      << stats.output;
  EXPECT_NE(body.find("Gallery:         snapshot " + snapshot[1].str()), std::string::npos) << body;
  // The searched face's crop is attached, a real JPEG, under the name the text gives it.
  EXPECT_NE(body.find("attached as probe1-face1.jpg"), std::string::npos) << body;
  ASSERT_EQ(results.images.size(), 1u) << "one face, one crop";
  EXPECT_EQ(results.images[0].filename, "probe1-face1.jpg");
  EXPECT_EQ(results.images[0].content_type, "image/jpeg");
  EXPECT_GT(results.images[0].data.size(), 1000u);

  // 5. The search log row (policy 4.5.3.3), outcome still unknown.
  {
    auto log = Store().SearchLog();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].request_id, id);
    EXPECT_EQ(log[0].incident_number, "2026-004512");
    EXPECT_EQ(log[0].incident_type, "Armed robbery");
    EXPECT_TRUE(log[0].yielded_results);
    EXPECT_FALSE(log[0].positive_identification.has_value());
    EXPECT_EQ(log[0].analyst, "analyst");
    auto faces = Store().SearchFaces(log[0].id);
    ASSERT_EQ(faces.size(), 1u);
    ASSERT_FALSE(faces[0].candidates.empty());
    EXPECT_EQ(faces[0].candidates[0].subject_id, "John_Salley");
    EXPECT_EQ(Store().GetRequest(id).state, casework::RequestState::kAwaitingOutcome);
    EXPECT_EQ(log[0].gallery_snapshot, snapshot[1].str());
    EXPECT_EQ(log[0].gallery_faces, 53);
    EXPECT_EQ(log[0].gallery_subjects, 5);
    EXPECT_FALSE(log[0].search_kernel.empty());
    ASSERT_TRUE(faces[0].quality.grade.has_value());
    EXPECT_GT(faces[0].quality.inter_eye_px, 10);
    EXPECT_EQ(faces[0].crop_jpeg.size(), results.images[0].data.size());
    // rtccctl show gives the analyst the same: quality and the gallery snapshot.
    auto shown = Ctl("show " + id);
    ASSERT_EQ(shown.exit_code, 0) << shown.output;
    EXPECT_NE(shown.output.find("    quality: " + std::string(ToString(*faces[0].quality.grade)) +
                                "  eyes "),
              std::string::npos)
        << shown.output;
    EXPECT_NE(shown.output.find("snapshot " + snapshot[1].str()), std::string::npos)
        << shown.output;
  }

  // 6. The detective replies in the thread with the outcome.
  std::string reply =
      "From: Detective Test <detective@pd.test>\r\nTo: rtcc@pd.test\r\nSubject: Re: " +
      results.subject + "\r\nMessage-ID: <outcome-1@pd.test>\r\nIn-Reply-To: <" +
      results.message_id + ">\r\nReferences: <req-1@pd.test> <" + results.message_id +
      ">\r\n\r\nOutcome: positive identification\r\n\r\nOn Wed, RTCC wrote:\r\n> quoted\r\n";
  stack_->Inject("detective@pd.test", "rtcc@pd.test", reply);
  auto d3 = Daemon(2);
  ASSERT_EQ(d3.exit_code, 0) << d3.output;

  auto log = Store().SearchLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].positive_identification, true);
  EXPECT_EQ(Store().GetRequest(id).state, casework::RequestState::kClosed);
  auto printed = Ctl("log");
  EXPECT_NE(printed.output.find(id), std::string::npos) << printed.output;
  EXPECT_NE(printed.output.find("2026-004512"), std::string::npos) << printed.output;
  inbox = stack_->WaitForMessages("REQUESTOR", 3);
  ASSERT_EQ(inbox.size(), 3u);
  EXPECT_NE(inbox[2].subject.find("outcome recorded"), std::string::npos) << inbox[2].subject;
}

TEST_F(EndToEnd, IncompleteRequestsAreToldWhatIsMissingAndStrangersAreNotAnswered) {
  std::size_t before = stack_->Messages("REQUESTOR").size();
  stack_->Inject("detective@pd.test", "rtcc@pd.test",
                 RequestMessage("detective@pd.test", "photo", "req-2@pd.test",
                                "Can you run this one?\r\n", {}));
  stack_->Inject("stranger@elsewhere.test", "rtcc@pd.test",
                 RequestMessage("stranger@elsewhere.test", "FR request", "req-3@elsewhere.test",
                                "Incident Type: Robbery\r\nPurpose: suspect\r\n", {kProbe}));
  auto d = Daemon(2);
  ASSERT_EQ(d.exit_code, 0) << d.output;

  auto inbox = stack_->WaitForMessages("REQUESTOR", before + 1);
  ASSERT_EQ(inbox.size(), before + 1);
  const auto needs = inbox.back();  // a copy: inbox is reassigned below
  EXPECT_NE(needs.subject.find("information needed"), std::string::npos) << needs.subject;
  EXPECT_NE(needs.text_body.find("a probe photograph"), std::string::npos) << needs.text_body;
  EXPECT_NE(needs.text_body.find("the incident type"), std::string::npos);
  EXPECT_NE(needs.text_body.find("the purpose of the search"), std::string::npos);
  EXPECT_EQ(Store().GetRequest(RequestIdIn(needs.subject)).state,
            casework::RequestState::kNeedsInfo);

  // The stranger's message is quarantined, never answered, never a request.
  EXPECT_EQ(stack_->Messages("RTCC", "rtcc-quarantine").size(), 1u);
  for (const auto& r : Store().ListRequests()) EXPECT_NE(r.requestor, "stranger@elsewhere.test");

  // A follow-up in the thread completes the request.
  stack_->Inject("detective@pd.test", "rtcc@pd.test",
                 RequestMessage("detective@pd.test", "Re: " + needs.subject, "req-2b@pd.test",
                                "Incident Type: Burglary\r\nPurpose: witness\r\n", {kProbe},
                                "In-Reply-To: <" + needs.message_id + ">\r\n"));
  ASSERT_EQ(Daemon(2).exit_code, 0);
  inbox = stack_->WaitForMessages("REQUESTOR", before + 2);
  ASSERT_EQ(inbox.size(), before + 2);
  EXPECT_EQ(RequestIdIn(inbox.back().subject), RequestIdIn(needs.subject));
  EXPECT_EQ(Store().GetRequest(RequestIdIn(needs.subject)).state,
            casework::RequestState::kPendingApproval);
}

}  // namespace
}  // namespace rtcc::testing
