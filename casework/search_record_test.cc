// The search record of schema 3: what reproduces a search (policy 4.5.3.3, 4.5.3.4), what became
// of each probe, and each face's quality and crop (4.3.4.1); and the upgrade of a version-2 file.
#include <gtest/gtest.h>
#include <unistd.h>

#include "casework/schema.h"
#include "casework/workflow.h"

namespace rtcc::casework {
namespace {

class SearchRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcc-search-record-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Files a complete request with two probes and approves it; returns its id.
  static std::string ApprovedRequest(Store& store) {
    auto txn = store.Begin();
    IncomingMail m;
    m.message_row = store.messages().Record({"INBOX", 1, 7, "sha-m", "m@pd.test", 10});
    m.from_address = "det@pd.test";
    m.message_id = "m@pd.test";
    m.incident_type = "Robbery";
    m.purpose = "suspect";
    m.images = {{"a.jpg", "image/jpeg", "sha-a", 1}, {"b.jpg", "image/jpeg", "sha-b", 1}};
    std::string id = *Intake(store, m, {{"pd.test"}, {}}).request_id;
    Approve(store, id, "analyst", "robbery suspect");
    txn.Commit();
    return id;
  }

  std::filesystem::path dir_;
};

TEST_F(SearchRecordTest, EverythingThatReproducesTheSearchAndWeighsEachFaceIsKept) {
  Store store(dir_ / "db.sqlite");
  std::string id = ApprovedRequest(store);
  auto txn = store.Begin();
  auto auth = AuthorizeSearch(store, id);
  ASSERT_EQ(auth.probes.size(), 2u);
  NewSearch s;
  s.model_id = "dlib_face_recognition_resnet_model_v1";
  s.engine_settings = "detector=hog flip=1 jitter=0 mmod_fallback=1";
  s.threshold = 0.6;
  s.gallery_faces = 53;
  s.gallery_subjects = 5;
  s.gallery_snapshot = std::string(64, 'c');
  s.search_kernel = "int8-avx512vnni";
  s.probes_searched = 2;
  s.probes = {{auth.probes[0].id, ProbeStatus::kSearched, 1, "", "JPEG"},
              {auth.probes[1].id, ProbeStatus::kUnreadable, 0, "The file is not an image.", ""}};
  FaceResult f;
  f.probe_id = auth.probes[0].id;
  f.face_index = 1;
  f.detector = "hog";
  f.detector_score = 0.71;
  f.quality.grade = QualityGrade::kPoor;
  f.quality.reasons = {"The eyes are 18 px apart.", "The face is blurred."};
  f.quality.inter_eye_px = 18.5;
  f.quality.sharpness = 0.004;
  f.quality.brightness = 120;
  f.quality.contrast = 30;
  f.quality.yaw_deg = -21.5;
  f.quality.roll_deg = 3.25;
  f.quality.image_edited = true;
  f.quality.image_signs = {"Saved by Adobe Photoshop.", "No camera make or model."};
  f.crop_jpeg = {0xFF, 0xD8, 0x00, 0x0A, 0x0D, 0xFF, 0xD9};  // NUL and line breaks survive
  f.candidates = {{1, "John_Salley", "s1.jpg", 0.42}};
  s.faces = {f};
  std::int64_t search_id = RecordSearchResults(store, auth, s);
  txn.Commit();

  auto log = store.SearchLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].model_id, s.model_id);
  EXPECT_EQ(log[0].engine_settings, s.engine_settings);
  EXPECT_DOUBLE_EQ(log[0].threshold, 0.6);
  EXPECT_EQ(log[0].gallery_faces, 53);
  EXPECT_EQ(log[0].gallery_subjects, 5);
  EXPECT_EQ(log[0].gallery_snapshot, s.gallery_snapshot);
  EXPECT_EQ(log[0].search_kernel, "int8-avx512vnni");

  auto probes = store.SearchProbes(search_id);
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_EQ(probes[0].status, ProbeStatus::kSearched);
  EXPECT_EQ(probes[0].faces_found, 1);
  EXPECT_EQ(probes[0].image_format, "JPEG");
  EXPECT_EQ(probes[1].status, ProbeStatus::kUnreadable);
  EXPECT_EQ(probes[1].detail, "The file is not an image.");

  auto faces = store.SearchFaces(search_id);
  ASSERT_EQ(faces.size(), 1u);
  const FaceResult& back = faces[0];
  EXPECT_EQ(back.detector, "hog");
  EXPECT_DOUBLE_EQ(back.detector_score, 0.71);
  EXPECT_EQ(back.quality.grade, QualityGrade::kPoor);
  EXPECT_EQ(back.quality.reasons, f.quality.reasons);
  EXPECT_DOUBLE_EQ(back.quality.inter_eye_px, 18.5);
  EXPECT_DOUBLE_EQ(back.quality.sharpness, 0.004);
  EXPECT_DOUBLE_EQ(back.quality.brightness, 120);
  EXPECT_DOUBLE_EQ(back.quality.contrast, 30);
  EXPECT_DOUBLE_EQ(back.quality.yaw_deg, -21.5);
  EXPECT_DOUBLE_EQ(back.quality.roll_deg, 3.25);
  EXPECT_TRUE(back.quality.image_edited);
  EXPECT_EQ(back.quality.image_signs, f.quality.image_signs);
  EXPECT_EQ(back.crop_jpeg, f.crop_jpeg);
  ASSERT_EQ(back.candidates.size(), 1u);
  EXPECT_EQ(back.candidates[0].subject_id, "John_Salley");
}

// The code cannot name another grade or probe status (they are enums); the database refuses one
// written around it all the same.
TEST_F(SearchRecordTest, AGradeOutsideGoodFairPoorIsRefusedByTheDatabase) {
  Store store(dir_ / "db.sqlite");
  std::string id = ApprovedRequest(store);
  auto txn = store.Begin();
  auto auth = AuthorizeSearch(store, id);
  NewSearch s;
  FaceResult f;
  f.probe_id = auth.probes[0].id;
  f.face_index = 1;
  f.quality.grade = QualityGrade::kFair;
  s.faces = {f};
  s.probes = {{auth.probes[0].id, ProbeStatus::kSearched, 1, "", "JPEG"}};
  RecordSearchResults(store, auth, s);
  EXPECT_THROW(store.db().Exec("UPDATE search_faces SET quality_grade = 'excellent'"), SqliteError);
  EXPECT_THROW(store.db().Exec("UPDATE search_probes SET status = 'lost'"), SqliteError)
      << "unknown probe status";
  EXPECT_EQ(store.SearchFaces(store.Searches(id).back().id)[0].quality.grade, QualityGrade::kFair);
}

TEST_F(SearchRecordTest, AVersion2DatabaseIsUpgradedAndKeepsItsSearches) {
  const auto path = dir_ / "v2.sqlite";
  {
    // A database as rtcc left it before schema 3, with one search of one face.
    SqliteDb db(path);
    db.Exec(SchemaMigrations()[0]);
    db.Exec(SchemaMigrations()[1]);
    db.Exec("PRAGMA user_version = 2");
    db.Exec(R"sql(
INSERT INTO requests (id, year, seq, state, requestor, incident_type, created_at, updated_at)
  VALUES ('RTCC-2026-000001', 2026, 1, 'AWAITING_OUTCOME', 'det@pd.test', 'Robbery', 't', 't');
INSERT INTO probes (id, request_id, content_type, sha256, size)
  VALUES (1, 'RTCC-2026-000001', 'image/jpeg', 'sha-old', 1);
INSERT INTO decisions (id, request_id, decision, analyst, reason, decided_at)
  VALUES (1, 'RTCC-2026-000001', 'approved', 'analyst', 'ok', 't');
INSERT INTO searches (id, request_id, decision_id, searched_at, incident_type, yielded_results,
  analyst, model_id, threshold, gallery_faces, probes_searched, faces_searched, candidate_count)
  VALUES (1, 'RTCC-2026-000001', 1, '2026-01-01T00:00:00Z', 'Robbery', 1, 'analyst', 'm-old',
          0.6, 40, 1, 1, 1);
INSERT INTO search_faces (id, search_id, probe_id, face_index, x, y, width, height, detector_score)
  VALUES (1, 1, 1, 1, 10, 20, 30, 40, 0.5);
INSERT INTO candidates (face_id, rank, subject_id, image_ref, distance)
  VALUES (1, 1, 'Old_Subject', 'o.jpg', 0.4);
)sql");
  }
  Store store(path);
  auto version = store.db().Prepare("PRAGMA user_version");
  ASSERT_TRUE(version.Step());
  EXPECT_EQ(static_cast<std::size_t>(version.Int(0)), SchemaMigrations().size());

  auto log = store.SearchLog();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].model_id, "m-old");
  EXPECT_EQ(log[0].gallery_faces, 40);
  EXPECT_EQ(log[0].gallery_snapshot, "") << "not recorded before schema 3";
  EXPECT_FALSE(log[0].gallery_subjects.has_value());
  auto faces = store.SearchFaces(1);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_EQ(faces[0].width, 30);
  EXPECT_FALSE(faces[0].quality.grade.has_value()) << "quality of an old row is unknown, not good";
  EXPECT_TRUE(faces[0].quality.reasons.empty());
  EXPECT_TRUE(faces[0].crop_jpeg.empty());
  ASSERT_EQ(faces[0].candidates.size(), 1u);
  EXPECT_EQ(faces[0].candidates[0].subject_id, "Old_Subject");
  EXPECT_TRUE(store.SearchProbes(1).empty());

  // Opening again is a no-op (the migration ran once).
  Store again(path);
  EXPECT_EQ(again.SearchLog().size(), 1u);
}

}  // namespace
}  // namespace rtcc::casework
