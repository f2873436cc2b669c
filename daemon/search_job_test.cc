// SearchJob against a real gallery and a scripted engine: the search row names what reproduces it
// (policy 4.5.3.3, 4.5.3.4), each face keeps its quality and crop (4.3.4.1), and each probe its
// fate (searched, no face, unreadable).
#include "daemon/search_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "casework/workflow.h"
#include "mail/mime_message.h"
#include "testing/temp_store.h"

namespace rtcc::daemon {
namespace {

matcher::Embedding Unit(std::size_t axis) {
  matcher::Embedding e{};
  e[axis] = 1;
  return e;
}

// Answers by the probe's bytes: "face" = one poor face near subject A from an edited file,
// "empty" = no face, anything else = unreadable.
class ScriptedEngine : public matcher::FaceEngine {
 public:
  matcher::ProbeAnalysis AnalyzeProbe(std::span<const std::uint8_t> bytes) override {
    std::string text(bytes.begin(), bytes.end());
    matcher::ProbeAnalysis a;
    if (text == "empty") {
      a.image.format = "PNG";
      return a;
    }
    if (text != "face") throw matcher::ImageError("The file is not an image rtcc can read.");
    a.image.format = "JPEG";
    a.image.edited = true;
    a.image.edit_signs = {"The image was saved by GIMP 2.10, an image editor."};
    matcher::DetectedFace f;
    f.box = {11, 12, 40, 50, 0.37};
    f.detector = matcher::Detector::kHog;
    f.embedding = Unit(0);
    f.embedding[1] = 0.1f;  // distance 0.1 to subject A
    f.crop_jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0xFF, 0xD9};
    f.quality.grade = matcher::QualityGrade::kPoor;
    f.quality.reasons = {"The eyes are 19 px apart (under 30 px)."};
    f.quality.inter_eye_px = 19;
    f.quality.sharpness = 0.02;
    f.quality.yaw_deg = 12;
    f.quality.roll_deg = -4;
    a.faces = {f};
    return a;
  }
  std::vector<matcher::DetectedFace> Analyze(std::span<const std::uint8_t> bytes) override {
    return AnalyzeProbe(bytes).faces;
  }
  std::string model_id() const override { return "scripted-model"; }
  std::string settings() const override { return "detector=hog flip=1 jitter=0"; }
};

class SearchJobTest : public testing::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    spool_ = std::make_unique<casework::Spool>(dir_ / "spool");
    gallery_ = matcher::Gallery::Open(dir_ / "gallery.sqlite", {.search_threads = 1});
    std::vector<matcher::FaceRecord> faces;
    for (std::size_t i = 0; i < 3; ++i) {
      matcher::FaceRecord r;
      r.subject_id = std::string("Subject_") + static_cast<char>('A' + i);
      r.image_sha256 = std::string(63, '0') + static_cast<char>('1' + i);
      r.image_path = "/srv/gallery/" + r.subject_id + ".jpg";
      r.embedding = Unit(i);
      faces.push_back(r);
    }
    gallery_->ImportFaces(faces, engine_.model_id());
    templates_ = std::make_unique<templates::TemplateSet>(RTCC_TEMPLATES_DIR, RequiredTemplates());
    replies_ = std::make_unique<ReplyComposer>(
        *templates_, MailIdentity{"rtcc@pd.test", "RTCC", "RTCC"}, tokens_);
  }
  void TearDown() override {
    gallery_.reset();
    TempStoreTest::TearDown();
  }

  // A request with probes of these contents, approved.
  std::string Approved(const std::vector<std::string>& probes) {
    auto txn = store_->Begin();
    casework::IncomingMail m;
    m.message_row = store_->messages().Record({"INBOX", 1, 1, "sha-m", "m@pd.test", 10});
    m.from_address = "det@pd.test";
    m.message_id = "m@pd.test";
    m.incident_type = "Robbery";
    m.purpose = "suspect";
    int n = 0;
    for (const auto& p : probes)
      m.images.push_back({"p" + std::to_string(++n) + ".jpg", "image/jpeg",
                          spool_->Put("probes", p), static_cast<std::int64_t>(p.size())});
    std::string id = *casework::Intake(*store_, m, {{"pd.test"}, {}}).request_id;
    casework::Approve(*store_, id, "analyst", "robbery suspect");
    txn.Commit();
    return id;
  }

  std::unique_ptr<casework::Spool> spool_;
  std::unique_ptr<matcher::Gallery> gallery_;
  ScriptedEngine engine_;
  ThreadToken tokens_{std::string(32, 'k')};
  std::unique_ptr<templates::TemplateSet> templates_;
  std::unique_ptr<ReplyComposer> replies_;
};

TEST_F(SearchJobTest, TheSearchRowCanBeReproducedAndEachFaceKeepsItsQualityAndCrop) {
  std::string id = Approved({"face", "empty", "not an image"});
  SearchJob job(*store_, *spool_, engine_, *gallery_, *replies_, 0.6);
  EXPECT_EQ(job.RunPending(), 1);

  auto log = store_->SearchLog();
  ASSERT_EQ(log.size(), 1u);
  const auto& s = log[0];
  EXPECT_EQ(s.model_id, "scripted-model");
  EXPECT_EQ(s.engine_settings, "detector=hog flip=1 jitter=0");
  EXPECT_EQ(s.gallery_snapshot, gallery_->snapshot_hash());
  EXPECT_EQ(s.gallery_snapshot.size(), 64u);
  EXPECT_EQ(s.gallery_faces, 3);
  EXPECT_EQ(s.gallery_subjects, 3);
  EXPECT_FALSE(s.search_kernel.empty()) << "the kernel that scanned the gallery";
  EXPECT_DOUBLE_EQ(s.threshold, 0.6);
  EXPECT_EQ(s.probes_searched, 3);

  auto probes = store_->SearchProbes(s.id);
  ASSERT_EQ(probes.size(), 3u);
  EXPECT_EQ(probes[0].status, casework::ProbeStatus::kSearched);
  EXPECT_EQ(probes[0].image_format, "JPEG");
  EXPECT_EQ(probes[1].status, casework::ProbeStatus::kNoFace);
  EXPECT_EQ(probes[2].status, casework::ProbeStatus::kUnreadable);
  EXPECT_EQ(probes[2].detail, "The file is not an image rtcc can read.");

  auto faces = store_->SearchFaces(s.id);
  ASSERT_EQ(faces.size(), 1u);
  const auto& f = faces[0];
  EXPECT_EQ(f.x, 11);
  EXPECT_EQ(f.height, 50);
  EXPECT_DOUBLE_EQ(f.detector_score, 0.37);
  EXPECT_EQ(f.detector, "hog");
  EXPECT_EQ(f.quality.grade, casework::QualityGrade::kPoor);
  ASSERT_EQ(f.quality.reasons.size(), 1u);
  EXPECT_EQ(f.quality.reasons[0], "The eyes are 19 px apart (under 30 px).");
  EXPECT_DOUBLE_EQ(f.quality.inter_eye_px, 19);
  EXPECT_DOUBLE_EQ(f.quality.sharpness, 0.02);
  EXPECT_DOUBLE_EQ(f.quality.yaw_deg, 12);
  EXPECT_DOUBLE_EQ(f.quality.roll_deg, -4);
  EXPECT_TRUE(f.quality.image_edited);
  ASSERT_EQ(f.quality.image_signs.size(), 1u);
  EXPECT_NE(f.quality.image_signs[0].find("GIMP"), std::string::npos);
  EXPECT_EQ(f.crop_jpeg.size(), 13u);
  ASSERT_EQ(f.candidates.size(), 1u) << "only subject A is within 0.6";
  EXPECT_EQ(f.candidates[0].subject_id, "Subject_A");

  // The reply carries the crop and says what became of the other two probes.
  auto mail = store_->outbox().ForRequest(id);
  ASSERT_EQ(mail.size(), 1u);
  auto parsed = mail::ParseMimeMessage(mail[0].raw);
  ASSERT_EQ(parsed.images.size(), 1u);
  EXPECT_EQ(parsed.images[0].filename, "probe1-face1.jpg");
  EXPECT_EQ(parsed.images[0].data, f.crop_jpeg);
  EXPECT_NE(parsed.text_body.find("Probe 2: p2.jpg\n  No face was found"), std::string::npos)
      << parsed.text_body;
  EXPECT_NE(parsed.text_body.find("Probe 3: p3.jpg\n  This file could not be read"),
            std::string::npos)
      << parsed.text_body;
  EXPECT_NE(parsed.text_body.find("snapshot " + gallery_->snapshot_hash()), std::string::npos);
}

TEST_F(SearchJobTest, ARequestWithNoFaceAtAllStillNamesTheGallerySnapshot) {
  Approved({"empty"});
  SearchJob job(*store_, *spool_, engine_, *gallery_, *replies_, 0.6);
  EXPECT_EQ(job.RunPending(), 1);
  auto log = store_->SearchLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].gallery_snapshot, gallery_->snapshot_hash());
  EXPECT_EQ(log[0].search_kernel, "") << "no face: nothing was scanned";
  EXPECT_FALSE(log[0].yielded_results);
}

TEST_F(SearchJobTest, AnEmptyGalleryIsSearchedAndAnswersNoCandidate) {
  std::string id = Approved({"face"});
  auto empty = matcher::Gallery::Open(dir_ / "empty.sqlite", {.search_threads = 1});
  SearchJob job(*store_, *spool_, engine_, *empty, *replies_, 0.6);
  EXPECT_EQ(job.RunPending(), 1) << "an empty gallery is no reason to fail";
  auto log = store_->SearchLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].model_id, "scripted-model");
  EXPECT_EQ(log[0].gallery_snapshot, empty->snapshot_hash());
  EXPECT_EQ(log[0].gallery_faces, 0);
  EXPECT_FALSE(log[0].yielded_results);
  auto faces = store_->SearchFaces(log[0].id);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_TRUE(faces[0].candidates.empty());
  EXPECT_EQ(store_->GetRequest(id).state, casework::RequestState::kResultsSent);
}

}  // namespace
}  // namespace rtcc::daemon
