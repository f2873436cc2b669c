#include "matcher/gallery.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace rtcc::matcher {
namespace {

namespace fs = std::filesystem;

const fs::path kFaces = RTCC_TEST_FACES_DIR;

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("rtcc-matcher-" + std::string(info->name()) + "-" + std::to_string(getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& file, const std::string& content) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
}

// An engine that reads its "photos" from text: "faces A B" means two faces, whose embeddings are
// numbers A and B spread on axis 0 (so the distance between "faces 0.1" and "faces 0.4" is 0.3);
// "broken" is not an image.
class FakeEngine final : public FaceEngine {
 public:
  explicit FakeEngine(std::string model = "fake_model_v1") : model_(std::move(model)) {}
  std::vector<DetectedFace> Analyze(std::span<const std::uint8_t> bytes) override {
    ++calls;
    const std::string text(bytes.begin(), bytes.end());
    if (text.rfind("faces", 0) != 0)
      throw ImageError("The attachment is not a JPEG, PNG or WebP image.");
    std::istringstream in(text.substr(5));
    std::vector<DetectedFace> faces;
    float x;
    while (in >> x) {
      DetectedFace f;
      f.box = {10, 20, 30, 40, 1.0};
      f.embedding[0] = x;
      faces.push_back(f);
    }
    return faces;
  }
  std::string model_id() const override { return model_; }
  int calls = 0;

 private:
  std::string model_;
};

Embedding At(float x) {
  Embedding e{};
  e[0] = x;
  return e;
}

bool Mentions(const std::vector<std::string>& problems, const std::string& file,
              const std::string& words) {
  return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) {
    return p.find(file) != std::string::npos && p.find(words) != std::string::npos;
  });
}

TEST(Gallery, EnrolsOneFacePerImageAndReportsEveryOtherImage) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "enrol";
  WriteFile(dir / "alice/1.jpg", "faces 0.10");
  WriteFile(dir / "alice/2.JPEG", "faces 0.20");
  WriteFile(dir / "alice/notes.txt", "faces 0.90");  // not an image name: ignored
  WriteFile(dir / "bob/a.png", "faces 1.00");
  WriteFile(dir / "bob/group.jpg", "faces 1.00 2.00");
  WriteFile(dir / "bob/empty.jpg", "faces");
  WriteFile(dir / "bob/broken.jpg", "broken");
  WriteFile(dir / "stray.jpg", "faces 3.00");  // not in a subject folder
  WriteFile(dir / ".hidden/x.jpg", "faces 4.00");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  const EnrollReport report = gallery->EnrollDirectory(engine, dir);

  EXPECT_EQ(report.images_seen, 7);
  EXPECT_EQ(report.faces_enrolled, 3);
  EXPECT_EQ(report.already_enrolled, 0);
  ASSERT_EQ(report.problems.size(), 4u);
  EXPECT_TRUE(Mentions(report.problems, "bob/group.jpg", "2 faces found"));
  EXPECT_TRUE(Mentions(report.problems, "bob/empty.jpg", "no face found"));
  EXPECT_TRUE(Mentions(report.problems, "bob/broken.jpg", "not a JPEG"));
  EXPECT_TRUE(Mentions(report.problems, "stray.jpg", "not in a subject folder"));
  EXPECT_EQ(gallery->face_count(), 3u);
  EXPECT_EQ(gallery->subject_count(), 2u);
  EXPECT_EQ(gallery->model_id(), "fake_model_v1");
}

TEST(Gallery, EnrollingAgainSkipsWhatIsEnrolled) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "enrol";
  WriteFile(dir / "alice/1.jpg", "faces 0.10");
  WriteFile(dir / "alice/1-copy.jpg", "faces 0.10");  // same bytes, same subject
  WriteFile(dir / "bob/1.jpg", "faces 1.00");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  const EnrollReport first = gallery->EnrollDirectory(engine, dir);
  EXPECT_EQ(first.faces_enrolled, 2);
  EXPECT_EQ(first.already_enrolled, 1);
  EXPECT_EQ(engine.calls, 2);

  WriteFile(dir / "carol/1.jpg", "faces 1.00");  // bob's image filed under another name
  WriteFile(dir / "carol/2.jpg", "faces 2.00");
  const EnrollReport second = gallery->EnrollDirectory(engine, dir);
  EXPECT_EQ(second.images_seen, 5);
  EXPECT_EQ(second.faces_enrolled, 1);
  EXPECT_EQ(second.already_enrolled, 3);
  ASSERT_EQ(second.problems.size(), 1u);
  EXPECT_TRUE(Mentions(second.problems, "carol/1.jpg", "enrolled for subject bob"));
  EXPECT_EQ(engine.calls, 3);  // only carol/2.jpg was analysed
  EXPECT_EQ(gallery->face_count(), 3u);
}

TEST(Gallery, SearchGivesEachSubjectsNearestFaceWithinTheThresholdNearestFirst) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "enrol";
  WriteFile(dir / "alice/far.jpg", "faces 0.50");
  WriteFile(dir / "alice/near.jpg", "faces 0.05");
  WriteFile(dir / "bob/1.jpg", "faces -0.30");
  WriteFile(dir / "carol/1.jpg", "faces 0.70");
  WriteFile(dir / "dave/1.jpg", "faces 5.00");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  gallery->EnrollDirectory(engine, dir);

  const auto found = gallery->Search(At(0), 0.6f);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rank, 1);
  EXPECT_EQ(found[0].subject_id, "alice");
  EXPECT_NEAR(found[0].distance, 0.05f, 1e-6);
  EXPECT_EQ(fs::path(found[0].image_ref).filename(), "near.jpg");
  EXPECT_TRUE(fs::path(found[0].image_ref).is_absolute());
  EXPECT_EQ(found[1].rank, 2);
  EXPECT_EQ(found[1].subject_id, "bob");
  EXPECT_NEAR(found[1].distance, 0.30f, 1e-6);

  // Strictly within: carol at exactly 0.7 is out at 0.7 and in just above.
  EXPECT_EQ(gallery->Search(At(0), 0.7f).size(), 2u);
  EXPECT_EQ(gallery->Search(At(0), 0.7001f).size(), 3u);
  EXPECT_TRUE(gallery->Search(At(0.05f), 0).empty());   // even an identical embedding
  EXPECT_TRUE(gallery->Search(At(100), 0.6f).empty());  // nothing near: nothing forced in
  EXPECT_EQ(gallery->Search(At(0), 100).size(), 4u);
}

TEST(Gallery, SearchIsExact) {
  // Random unit-ish embeddings of 40 subjects x 25 faces, checked against a plain scan with
  // Distance(). Written straight into the gallery through a fake engine.
  TempDir tmp;
  const fs::path dir = tmp.path() / "enrol";
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::map<std::string, std::vector<Embedding>> truth;
  class TableEngine final : public FaceEngine {
   public:
    std::map<std::string, Embedding> by_content;
    std::vector<DetectedFace> Analyze(std::span<const std::uint8_t> bytes) override {
      DetectedFace f;
      f.embedding = by_content.at(std::string(bytes.begin(), bytes.end()));
      return {f};
    }
    std::string model_id() const override { return "table"; }
  } engine;
  for (int s = 0; s < 40; ++s) {
    for (int i = 0; i < 25; ++i) {
      Embedding e;
      float norm = 0;
      for (float& x : e) {
        x = normal(rng);
        norm += x * x;
      }
      for (float& x : e) x /= std::sqrt(norm);
      const std::string subject = "s" + std::to_string(s);
      const std::string content = subject + "/" + std::to_string(i);
      engine.by_content[content] = e;
      truth[subject].push_back(e);
      WriteFile(dir / subject / (std::to_string(i) + ".jpg"), content);
    }
  }
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  ASSERT_EQ(gallery->EnrollDirectory(engine, dir).faces_enrolled, 1000);
  for (int q = 0; q < 20; ++q) {
    Embedding probe = truth["s" + std::to_string(q)][0];
    for (float& x : probe) x += 0.02f * normal(rng);
    // Each subject's nearest face by a plain scan; the threshold lets about half of them in.
    std::vector<std::pair<float, std::string>> best;
    for (const auto& [subject, faces] : truth) {
      float nearest = 1e9f;
      for (const Embedding& e : faces) nearest = std::min(nearest, Distance(probe, e));
      best.emplace_back(nearest, subject);
    }
    std::sort(best.begin(), best.end());
    const float threshold = (best[19].first + best[20].first) / 2;
    const std::vector<std::pair<float, std::string>> expected(best.begin(), best.begin() + 20);
    const auto found = gallery->Search(probe, threshold);
    ASSERT_EQ(found.size(), expected.size()) << q;
    for (std::size_t i = 0; i < found.size(); ++i) {
      EXPECT_EQ(found[i].rank, static_cast<int>(i + 1));
      EXPECT_EQ(found[i].subject_id, expected[i].second) << q << " " << i;
      EXPECT_NEAR(found[i].distance, expected[i].first, 1e-5);
    }
    EXPECT_EQ(found[0].subject_id, "s" + std::to_string(q));
  }
}

TEST(Gallery, PersistsAcrossReopening) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.90");
  {
    const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
    FakeEngine engine;
    gallery->EnrollDirectory(engine, tmp.path() / "enrol");
  }
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  EXPECT_EQ(gallery->face_count(), 2u);
  EXPECT_EQ(gallery->subject_count(), 2u);
  EXPECT_EQ(gallery->model_id(), "fake_model_v1");
  const auto found = gallery->Search(At(0.8f), 0.75f);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].subject_id, "bob");
  EXPECT_NEAR(found[0].distance, 0.1f, 1e-6);
}

TEST(Gallery, RefreshSeesWhatAnotherConnectionEnrolled) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  const auto daemon_view = Gallery::Open(tmp.path() / "gallery.db");
  EXPECT_FALSE(daemon_view->Refresh()) << "nothing changed yet";
  {
    const auto cli_view = Gallery::Open(tmp.path() / "gallery.db");
    FakeEngine engine;
    cli_view->EnrollDirectory(engine, tmp.path() / "enrol");
  }
  EXPECT_EQ(daemon_view->face_count(), 0u) << "not re-read until Refresh";
  EXPECT_TRUE(daemon_view->Refresh());
  EXPECT_EQ(daemon_view->face_count(), 1u);
  EXPECT_EQ(daemon_view->Search(At(0.1f), 0.5f).size(), 1u);
  EXPECT_FALSE(daemon_view->Refresh());
}

TEST(Gallery, RefusesToMixModels) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  EXPECT_NO_THROW(gallery->CheckModel("another_model"));  // empty: anything goes
  FakeEngine engine("model_a");
  gallery->EnrollDirectory(engine, tmp.path() / "enrol");
  EXPECT_NO_THROW(gallery->CheckModel("model_a"));
  EXPECT_THROW(gallery->CheckModel("model_b"), GalleryError);
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.90");
  FakeEngine other("model_b");
  try {
    gallery->EnrollDirectory(other, tmp.path() / "enrol");
    FAIL() << "no GalleryError";
  } catch (const GalleryError& e) {
    EXPECT_NE(std::string(e.what()).find("model_a, not model_b"), std::string::npos) << e.what();
  }
  EXPECT_EQ(other.calls, 0);
  EXPECT_EQ(gallery->face_count(), 1u);
}

TEST(Gallery, FileIsPrivateEvenUnderAPermissiveUmask) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  const mode_t old_umask = umask(0);
  {
    const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
    FakeEngine engine;
    gallery->EnrollDirectory(engine, tmp.path() / "enrol");
    for (const char* name : {"gallery.db", "gallery.db-wal", "gallery.db-shm"}) {
      struct stat st {};
      ASSERT_EQ(stat((tmp.path() / name).c_str(), &st), 0) << name;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
    }
  }
  umask(old_umask);
}

TEST(Gallery, RefusesFilesThatAreNotItsOwn) {
  TempDir tmp;
  WriteFile(tmp.path() / "notes.db", std::string(4096, 'x'));
  EXPECT_THROW(Gallery::Open(tmp.path() / "notes.db"), GalleryError);
  EXPECT_THROW(Gallery::Open(tmp.path() / "no-such-folder/gallery.db"), GalleryError);
  {
    const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
    FakeEngine engine;
    EXPECT_THROW(gallery->EnrollDirectory(engine, tmp.path() / "missing"), GalleryError);
  }
  // A newer schema than this code knows.
  { const auto gallery = Gallery::Open(tmp.path() / "newer.db"); }
  // (sqlite3 is not linked into the test: bump user_version by patching the header field,
  // a big-endian int at offset 60 of the database file.)
  {
    std::fstream db(tmp.path() / "newer.db", std::ios::in | std::ios::out | std::ios::binary);
    db.seekp(60);
    const char version[4] = {0, 0, 0, 9};
    db.write(version, 4);
  }
  try {
    Gallery::Open(tmp.path() / "newer.db");
    FAIL() << "no GalleryError";
  } catch (const GalleryError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 9"), std::string::npos) << e.what();
  }
}

// The real models on real photos: dlib_johns, all but the last photo of each person enrolled, the
// last one searched.
TEST(Gallery, DlibJohnsHeldOutPhotoFindsItsPersonAtRankOne) {
  TempDir tmp;
  const fs::path enrol = tmp.path() / "enrol";
  std::map<std::string, fs::path> held_out;
  for (const auto& person : fs::directory_iterator(kFaces / "dlib_johns")) {
    std::vector<fs::path> photos;
    for (const auto& f : fs::directory_iterator(person.path())) photos.push_back(f.path());
    std::sort(photos.begin(), photos.end());
    ASSERT_EQ(photos.size(), 11u);
    held_out[person.path().filename()] = photos.back();
    photos.pop_back();
    fs::create_directories(enrol / person.path().filename());
    for (const fs::path& p : photos)
      fs::copy_file(p, enrol / person.path().filename() / p.filename());
  }
  ASSERT_EQ(held_out.size(), 5u);

  const fs::path db = tmp.path() / "gallery.db";
  const auto engine = FaceEngine::Load({});
  const auto gallery = Gallery::Open(db);
  const EnrollReport first = gallery->EnrollDirectory(*engine, enrol);
  EXPECT_EQ(first.images_seen, 50);
  // John_Shimkus has one photo twice (000378_02340151.jpg and 000378_03227610.jpg, same bytes).
  EXPECT_EQ(first.faces_enrolled, 49);
  EXPECT_EQ(first.already_enrolled, 1);
  EXPECT_TRUE(first.problems.empty()) << first.problems.front();
  EXPECT_EQ(gallery->face_count(), 49u);
  EXPECT_EQ(gallery->subject_count(), 5u);
  EXPECT_NO_THROW(gallery->CheckModel(engine->model_id()));

  for (const auto& [person, photo] : held_out) {
    std::ifstream in(photo, std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    const auto faces = engine->Analyze(bytes);
    ASSERT_EQ(faces.size(), 1u) << photo;
    const auto found = gallery->Search(faces.front().embedding, 0.6f);
    ASSERT_FALSE(found.empty()) << person;
    EXPECT_EQ(found[0].rank, 1);
    EXPECT_EQ(found[0].subject_id, person);
    EXPECT_LT(found[0].distance, 0.6f);
    std::cout << person << ": rank 1 at " << found[0].distance << ", " << found.size()
              << " candidate(s) within 0.6\n";
    EXPECT_TRUE(gallery->Search(faces.front().embedding, 0).empty());
  }

  const EnrollReport again = gallery->EnrollDirectory(*engine, enrol);
  EXPECT_EQ(again.images_seen, 50);
  EXPECT_EQ(again.already_enrolled, again.images_seen);
  EXPECT_EQ(again.faces_enrolled, 0);
  EXPECT_EQ(gallery->face_count(), 49u);

  struct stat st {};
  ASSERT_EQ(stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
}

}  // namespace
}  // namespace rtcc::matcher
