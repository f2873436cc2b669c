#include "matcher/gallery.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/sha256.h"
#include "matcher/search_index.h"

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
    for (const char* name :
         {"gallery.db", "gallery.db-wal", "gallery.db-shm", "gallery.db-matrix"}) {
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

// ---- Provenance, manifests, removal, statistics, snapshots, the side-car ------------------------

// Maps an image's bytes to an embedding: a "photo" is any text listed in the table.
class TableEngine final : public FaceEngine {
 public:
  explicit TableEngine(std::string model = "table_model") : model_(std::move(model)) {}
  std::map<std::string, Embedding> by_content;
  std::vector<DetectedFace> Analyze(std::span<const std::uint8_t> bytes) override {
    const auto it = by_content.find(std::string(bytes.begin(), bytes.end()));
    if (it == by_content.end()) return {};
    DetectedFace f;
    f.embedding = it->second;
    return {f};
  }
  std::string model_id() const override { return model_; }

 private:
  std::string model_;
};

std::string ShaOf(const std::string& content) {
  return base::Sha256Hex({reinterpret_cast<const std::uint8_t*>(content.data()), content.size()});
}

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

const Candidate* FindSubject(const std::vector<Candidate>& found, const std::string& subject) {
  for (const auto& c : found) {
    if (c.subject_id == subject) return &c;
  }
  return nullptr;
}

TEST(Gallery, ManifestEnrolmentKeepsProvenance) {
  TempDir tmp;
  WriteFile(tmp.path() / "photos/doe 1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "photos/doe,2.jpg", "faces 0.20");
  WriteFile(tmp.path() / "elsewhere/roe.png", "faces 0.90");
  WriteFile(tmp.path() / "lists/people.csv",
            "subject_id,name,image_path,source,date\n"
            "S-1,\"Doe, John\",../photos/doe 1.jpg,booking 2019,2019-03-01\n"
            "S-1,\"Doe, John\",\"../photos/doe,2.jpg\",\"DMV \"\"classic\"\"\",\n"
            "S-2,Jane Roe," +
                (tmp.path() / "elsewhere/roe.png").string() + ",,2020-02-29\n");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  const EnrollReport report = gallery->EnrollManifest(engine, tmp.path() / "lists/people.csv");
  EXPECT_TRUE(report.problems.empty()) << report.problems.front();
  EXPECT_EQ(report.images_seen, 3);
  EXPECT_EQ(report.faces_enrolled, 3);
  EXPECT_EQ(gallery->subject_count(), 2u);
  EXPECT_EQ(gallery->face_count(), 3u);

  const auto found = gallery->Search(At(0.15f), 10);
  ASSERT_EQ(found.size(), 2u);
  const Candidate* doe = FindSubject(found, "S-1");
  ASSERT_NE(doe, nullptr);
  EXPECT_EQ(doe->subject_name, "Doe, John");
  // Both of Doe's images are 0.05 away: the tie goes to the lower image SHA-256.
  const std::string sha1 = ShaOf("faces 0.10"), sha2 = ShaOf("faces 0.20");
  EXPECT_EQ(doe->image_sha256, std::min(sha1, sha2));
  const bool first = doe->image_sha256 == sha1;
  EXPECT_EQ(doe->image_ref,
            (tmp.path() / (first ? "photos/doe 1.jpg" : "photos/doe,2.jpg")).string());
  EXPECT_EQ(doe->source, first ? "booking 2019" : "DMV \"classic\"");
  EXPECT_EQ(doe->source_date, first ? "2019-03-01" : "");
  const Candidate* roe = FindSubject(found, "S-2");
  ASSERT_NE(roe, nullptr);
  EXPECT_EQ(roe->subject_name, "Jane Roe");
  EXPECT_EQ(roe->source, "manifest people.csv");  // no source in the row: the manifest's name
  EXPECT_EQ(roe->source_date, "2020-02-29");
  EXPECT_EQ(roe->image_sha256, ShaOf("faces 0.90"));
}

TEST(Gallery, ManifestBadRowsAndImagesAreProblemsNamingTheRow) {
  TempDir tmp;
  WriteFile(tmp.path() / "a.jpg", "faces 0.10");
  WriteFile(tmp.path() / "group.jpg", "faces 0.30 0.40");
  WriteFile(tmp.path() / "broken.jpg", "broken");
  WriteFile(tmp.path() / "m.csv",
            "subject_id,image_path,date\n"
            "ok,a.jpg,\n"           // 2
            "x,missing.jpg,\n"      // 3: no such file
            "y,group.jpg,\n"        // 4: two faces
            "z,broken.jpg,\n"       // 5: not an image
            "w,a.jpg,2021-13-01\n"  // 6: bad date
            "v,\"a.jpg\n");         // 7: unterminated quote
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  const fs::path manifest = tmp.path() / "m.csv";
  const EnrollReport report = gallery->EnrollManifest(engine, manifest);
  EXPECT_EQ(report.faces_enrolled, 1);
  EXPECT_EQ(report.images_seen, 4);  // rows 2-5; rows 6 and 7 never reach an image
  ASSERT_EQ(report.problems.size(), 5u);
  const std::string m = manifest.string();
  EXPECT_TRUE(Mentions(report.problems, m + " line 3", "cannot be read"));
  EXPECT_TRUE(Mentions(report.problems, m + " line 4", "2 faces found"));
  EXPECT_TRUE(Mentions(report.problems, m + " line 5", "not a JPEG"));
  EXPECT_TRUE(Mentions(report.problems, m + " line 6", "'2021-13-01' is not a date"));
  EXPECT_TRUE(Mentions(report.problems, m + " line 7", "not closed"));
  EXPECT_EQ(gallery->face_count(), 1u);

  WriteFile(tmp.path() / "noheader.csv", "ok,a.jpg\n");
  EXPECT_THROW(gallery->EnrollManifest(engine, tmp.path() / "noheader.csv"), GalleryError);
  EXPECT_THROW(gallery->EnrollManifest(engine, tmp.path() / "nothere.csv"), GalleryError);
}

TEST(Gallery, ManifestNamesMustAgreeWithTheEnrolledSubject) {
  TempDir tmp;
  WriteFile(tmp.path() / "folder/S-1/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "2.jpg", "faces 0.20");
  WriteFile(tmp.path() / "3.jpg", "faces 0.30");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  gallery->EnrollDirectory(engine, tmp.path() / "folder");  // S-1, no name
  EXPECT_EQ(gallery->Search(At(0.1f), 0.01f).at(0).subject_name, "");
  WriteFile(tmp.path() / "m.csv",
            "subject_id,name,image_path\n"
            "S-1,Ann Example,2.jpg\n"     // names S-1
            "S-1,Someone Else,3.jpg\n");  // contradicts it
  const EnrollReport report = gallery->EnrollManifest(engine, tmp.path() / "m.csv");
  EXPECT_EQ(report.faces_enrolled, 1);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_TRUE(Mentions(report.problems, "line 3",
                       "subject S-1 is enrolled with the name 'Ann Example', not 'Someone Else'"));
  EXPECT_EQ(gallery->face_count(), 2u);
  EXPECT_EQ(gallery->Search(At(0.1f), 0.01f).at(0).subject_name, "Ann Example");
}

TEST(Gallery, EnrollingTheSameImageTwiceKeepsOneEntry) {
  TempDir tmp;
  WriteFile(tmp.path() / "a.jpg", "faces 0.10");
  WriteFile(tmp.path() / "copy-of-a.jpg", "faces 0.10");
  WriteFile(tmp.path() / "m.csv", "subject,image\nS,a.jpg\nS,copy-of-a.jpg\nS,a.jpg\n");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  const EnrollReport first = gallery->EnrollManifest(engine, tmp.path() / "m.csv");
  EXPECT_EQ(first.faces_enrolled, 1);
  EXPECT_EQ(first.already_enrolled, 2);
  EXPECT_EQ(engine.calls, 1);
  const std::string hash = gallery->snapshot_hash();
  const EnrollReport again = gallery->EnrollManifest(engine, tmp.path() / "m.csv");
  EXPECT_EQ(again.faces_enrolled, 0);
  EXPECT_EQ(again.already_enrolled, 3);
  EXPECT_EQ(engine.calls, 1);
  EXPECT_EQ(gallery->face_count(), 1u);
  EXPECT_EQ(gallery->snapshot_hash(), hash);
}

TEST(Gallery, RemoveSubjectRemovesAllItsFaces) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/alice/2.jpg", "faces 0.12");
  WriteFile(tmp.path() / "enrol/alice/3.jpg", "faces 0.14");
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.20");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  gallery->EnrollDirectory(engine, tmp.path() / "enrol");
  const std::string before = gallery->snapshot_hash();
  ASSERT_EQ(gallery->Search(At(0.1f), 1).size(), 2u);

  EXPECT_EQ(gallery->RemoveSubject("alice"), 3u);
  EXPECT_EQ(gallery->face_count(), 1u);
  EXPECT_EQ(gallery->subject_count(), 1u);
  const auto found = gallery->Search(At(0.1f), 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "bob");
  EXPECT_NE(gallery->snapshot_hash(), before);
  EXPECT_EQ(gallery->RemoveSubject("alice"), 0u);
  EXPECT_EQ(gallery->RemoveSubject("nobody"), 0u);
  {
    const auto reopened = Gallery::Open(tmp.path() / "gallery.db");  // removal is durable
    EXPECT_EQ(reopened->face_count(), 1u);
    EXPECT_EQ(reopened->Stats().subjects, 1u);
  }
  // Enrolling her again gives back the very snapshot of before.
  gallery->EnrollDirectory(engine, tmp.path() / "enrol");
  EXPECT_EQ(gallery->face_count(), 4u);
  EXPECT_EQ(gallery->snapshot_hash(), before);
}

TEST(Gallery, StatsCountSubjectsFacesSourcesAndFiles) {
  TempDir tmp;
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  GalleryStats empty = gallery->Stats();
  EXPECT_EQ(empty.faces, 0u);
  EXPECT_EQ(empty.subjects, 0u);
  EXPECT_EQ(empty.model_id, "");
  EXPECT_EQ(empty.last_enrolled_at, "");
  EXPECT_TRUE(empty.faces_per_source.empty());

  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.20");
  WriteFile(tmp.path() / "x.jpg", "faces 0.30");
  WriteFile(tmp.path() / "y.jpg", "faces 0.40");
  WriteFile(tmp.path() / "z.jpg", "faces 0.50");
  WriteFile(tmp.path() / "m.csv",
            "subject,image,source\ncarol,x.jpg,booking\ncarol,y.jpg,booking\ndan,z.jpg,dmv\n");
  FakeEngine engine;
  gallery->EnrollDirectory(engine, tmp.path() / "enrol", {"school photos", nullptr});
  gallery->EnrollManifest(engine, tmp.path() / "m.csv");
  const GalleryStats s = gallery->Stats();
  EXPECT_EQ(s.subjects, 4u);
  EXPECT_EQ(s.faces, 5u);
  EXPECT_EQ(s.model_id, "fake_model_v1");
  EXPECT_EQ(s.dim, kEmbeddingDim);
  const std::vector<std::pair<std::string, std::size_t>> sources = {
      {"booking", 2}, {"dmv", 1}, {"school photos", 2}};
  EXPECT_EQ(s.faces_per_source, sources);
  ASSERT_EQ(s.last_enrolled_at.size(), 24u) << s.last_enrolled_at;  // 2025-01-02T03:04:05.678Z
  EXPECT_EQ(s.last_enrolled_at.back(), 'Z');
  EXPECT_GT(s.database_bytes, 0u);
  EXPECT_EQ(s.sidecar_bytes, fs::file_size(tmp.path() / "gallery.db-matrix"));
  EXPECT_EQ(s.snapshot_hash, gallery->snapshot_hash());
  EXPECT_FALSE(s.load.empty());
}

TEST(Gallery, ProgressGoesUpByOneToTheTotal) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/alice/2.jpg", "faces 0.20 0.30");  // a problem still counts
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.40");
  WriteFile(tmp.path() / "enrol/stray.jpg", "faces 0.50");
  WriteFile(tmp.path() / "m.csv", "subject,image\nc,enrol/alice/1.jpg\nd,nothere.jpg\n");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  EnrollOptions options;
  options.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
  gallery->EnrollDirectory(engine, tmp.path() / "enrol", options);
  ASSERT_EQ(calls.size(), 5u);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i], std::make_pair(i, std::size_t{4}));
  }
  calls.clear();
  gallery->EnrollManifest(engine, tmp.path() / "m.csv", options);
  const std::vector<std::pair<std::size_t, std::size_t>> manifest_calls = {{0, 2}, {1, 2}, {2, 2}};
  EXPECT_EQ(calls, manifest_calls);
}

TEST(Gallery, SnapshotHashIsTheSameForTheSameSetAndChangesWithIt) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.20");
  WriteFile(tmp.path() / "enrol/carol/1.jpg", "faces 0.30");
  FakeEngine engine;
  std::string full, empty;
  {
    const auto gallery = Gallery::Open(tmp.path() / "a.db");
    empty = gallery->snapshot_hash();
    EXPECT_EQ(empty.size(), 64u);
    gallery->EnrollDirectory(engine, tmp.path() / "enrol");
    full = gallery->snapshot_hash();
    EXPECT_NE(full, empty);
  }
  // The same after reopening (read from the side-car), and after a rebuild from SQLite.
  EXPECT_EQ(Gallery::Open(tmp.path() / "a.db")->snapshot_hash(), full);
  fs::remove(tmp.path() / "a.db-matrix");
  EXPECT_EQ(Gallery::Open(tmp.path() / "a.db")->snapshot_hash(), full);
  // The same set enrolled in another order, into another file.
  {
    const auto other = Gallery::Open(tmp.path() / "b.db");
    EXPECT_EQ(other->snapshot_hash(), empty);
    WriteFile(tmp.path() / "m.csv",
              "subject,image\ncarol,enrol/carol/1.jpg\nalice,enrol/alice/1.jpg\n");
    other->EnrollManifest(engine, tmp.path() / "m.csv");
    const std::string partial = other->snapshot_hash();
    EXPECT_NE(partial, full);
    WriteFile(tmp.path() / "m2.csv", "subject,image\nbob,enrol/bob/1.jpg\n");
    other->EnrollManifest(engine, tmp.path() / "m2.csv");
    EXPECT_EQ(other->snapshot_hash(), full);
  }
  // Same images, another subject id: another snapshot.
  {
    const auto renamed = Gallery::Open(tmp.path() / "c.db");
    WriteFile(
        tmp.path() / "m3.csv",
        "subject,image\nalice,enrol/alice/1.jpg\nbob,enrol/bob/1.jpg\nCAROL,enrol/carol/1.jpg\n");
    renamed->EnrollManifest(engine, tmp.path() / "m3.csv");
    EXPECT_NE(renamed->snapshot_hash(), full);
  }
  // Same images and subjects, embeddings of another model: another snapshot.
  {
    const auto remodelled = Gallery::Open(tmp.path() / "d.db");
    FakeEngine other_model("fake_model_v2");
    remodelled->EnrollDirectory(other_model, tmp.path() / "enrol");
    EXPECT_NE(remodelled->snapshot_hash(), full);
  }
}

TEST(Gallery, SearchResultNamesModelSnapshotAndThreshold) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.50");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  gallery->EnrollDirectory(engine, tmp.path() / "enrol");
  const SearchResult r = gallery->SearchWithin(At(0.0f), 0.3f);
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(r.candidates[0].subject_id, "alice");
  EXPECT_EQ(r.model_id, "fake_model_v1");
  EXPECT_EQ(r.snapshot_hash, gallery->snapshot_hash());
  EXPECT_EQ(r.faces_compared, 2u);
  EXPECT_EQ(r.subjects, 2u);
  EXPECT_EQ(r.threshold, 0.3f);
  EXPECT_EQ(r.k, 0u);
  EXPECT_FALSE(r.kernel.empty());
  // Nothing within: an answer of its own, with the same record of what was searched.
  const SearchResult none = gallery->SearchWithin(At(5.0f), 0.3f);
  EXPECT_TRUE(none.candidates.empty());
  EXPECT_EQ(none.snapshot_hash, r.snapshot_hash);
  EXPECT_EQ(none.faces_compared, 2u);
}

// Random unit embeddings, several faces per subject: TopK and SearchWithin against a naive scan
// of each subject's nearest face.
TEST(Gallery, TopKAndSearchWithinGiveTheNearestSubjectsExactly) {
  TempDir tmp;
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  TableEngine engine;
  std::map<std::string, std::vector<Embedding>> truth;
  std::string manifest = "subject,image\n";
  for (int s = 0; s < 60; ++s) {
    for (int i = 0; i < 1 + s % 4; ++i) {
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
      WriteFile(tmp.path() / (subject + "-" + std::to_string(i) + ".jpg"), content);
      manifest += subject + "," + subject + "-" + std::to_string(i) + ".jpg\n";
    }
  }
  WriteFile(tmp.path() / "m.csv", manifest);
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  ASSERT_EQ(gallery->EnrollManifest(engine, tmp.path() / "m.csv").faces_enrolled, 150);
  for (int q = 0; q < 10; ++q) {
    Embedding probe = truth["s" + std::to_string(q * 5)][0];
    for (float& x : probe) x += 0.3f * normal(rng);
    std::vector<std::pair<float, std::string>> best;
    for (const auto& [subject, faces] : truth) {
      float nearest = 1e9f;
      for (const Embedding& e : faces) {
        nearest = std::min(nearest, ExactDistance(probe.data(), e.data(), kEmbeddingDim));
      }
      best.emplace_back(nearest, subject);
    }
    std::sort(best.begin(), best.end());
    for (std::size_t k : {std::size_t{1}, std::size_t{7}, std::size_t{60}, std::size_t{100}}) {
      const SearchResult r = gallery->TopK(probe, k);
      ASSERT_EQ(r.candidates.size(), std::min<std::size_t>(k, 60)) << k;
      EXPECT_EQ(r.k, k);
      for (std::size_t i = 0; i < r.candidates.size(); ++i) {
        EXPECT_EQ(r.candidates[i].subject_id, best[i].second) << q << " k=" << k << " " << i;
        EXPECT_EQ(r.candidates[i].distance, best[i].first);
        EXPECT_EQ(r.candidates[i].rank, static_cast<int>(i + 1));
      }
    }
    EXPECT_TRUE(gallery->TopK(probe, 0).candidates.empty());
    const float threshold = (best[9].first + best[10].first) / 2;
    const auto within = gallery->Search(probe, threshold);
    ASSERT_EQ(within.size(), 10u);
    for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(within[i].subject_id, best[i].second);
    // The 10th's own distance: it is not strictly within.
    EXPECT_EQ(gallery->Search(probe, best[9].first).size(), 9u);
  }
}

TEST(Gallery, ADamagedOrStaleSidecarIsRebuiltNeverTrusted) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.50");
  const fs::path db = tmp.path() / "gallery.db";
  const fs::path sidecar = tmp.path() / "gallery.db-matrix";
  FakeEngine engine;
  std::string hash;
  {
    const auto gallery = Gallery::Open(db);
    gallery->EnrollDirectory(engine, tmp.path() / "enrol");
    hash = gallery->snapshot_hash();
  }
  ASSERT_TRUE(fs::exists(sidecar));
  EXPECT_EQ(Gallery::Open(db)->Stats().load.rfind("side-car (mmap)", 0), 0u);
  const std::string good = ReadAll(sidecar);
  const auto reopen_expecting = [&](const std::string& why) {
    const auto gallery = Gallery::Open(db);
    const GalleryStats s = gallery->Stats();
    EXPECT_NE(s.load.find("read from SQLite"), std::string::npos) << s.load;
    EXPECT_NE(s.load.find(why), std::string::npos) << s.load;
    EXPECT_EQ(gallery->snapshot_hash(), hash);
    const auto found = gallery->Search(At(0.12f), 0.1f);
    EXPECT_EQ(found.size(), 1u);
    EXPECT_NEAR(found.at(0).distance, 0.02f, 1e-6);
    EXPECT_EQ(ReadAll(sidecar), good) << "rebuilt as it was";
  };
  // One bit of one embedding flipped.
  std::string damaged = good;
  damaged[4096 + 1] ^= 0x10;
  WriteFile(sidecar, damaged);
  reopen_expecting("damaged (chunk 0");
  // Cut short.
  WriteFile(sidecar, good.substr(0, good.size() - 8));
  reopen_expecting("size");
  // Not a side-car at all.
  WriteFile(sidecar, std::string(8192, 'x'));
  reopen_expecting("not a side-car");
  // Header altered.
  damaged = good;
  damaged[24] ^= 1;  // the face count
  WriteFile(sidecar, damaged);
  reopen_expecting("header is damaged");
  // Missing.
  fs::remove(sidecar);
  reopen_expecting("cannot open");
  // Stale: a side-car of an earlier state of the gallery, intact.
  WriteFile(tmp.path() / "enrol/carol/1.jpg", "faces 0.11");
  {
    const auto gallery = Gallery::Open(db);
    gallery->EnrollDirectory(engine, tmp.path() / "enrol");
    EXPECT_EQ(gallery->face_count(), 3u);
  }
  WriteFile(sidecar, good);
  {
    const auto gallery = Gallery::Open(db);
    EXPECT_NE(gallery->Stats().load.find("older state"), std::string::npos)
        << gallery->Stats().load;
    EXPECT_EQ(gallery->face_count(), 3u);
    EXPECT_NE(gallery->snapshot_hash(), hash);
    EXPECT_EQ(gallery->Search(At(0.12f), 0.1f).size(), 2u);
  }
  // No temporary files left behind.
  for (const auto& e : fs::directory_iterator(tmp.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

TEST(Gallery, LoadsTheSameWhateverTheWayAndWithoutTheSidecar) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "enrol/bob/1.jpg", "faces 0.50");
  const fs::path db = tmp.path() / "gallery.db";
  FakeEngine engine;
  Gallery::Open(db)->EnrollDirectory(engine, tmp.path() / "enrol");
  const auto reference = Gallery::Open(db);
  for (const char* mode : {"mmap", "mmap-populate", "read"}) {
    GalleryOptions options;
    options.sidecar_load = mode;
    const auto g = Gallery::Open(db, options);
    EXPECT_EQ(g->Stats().load.rfind(std::string("side-car (") + mode + ")", 0), 0u)
        << g->Stats().load;
    EXPECT_EQ(g->snapshot_hash(), reference->snapshot_hash());
    EXPECT_EQ(g->Search(At(0.2f), 1).size(), 2u);
  }
  GalleryOptions bad;
  bad.sidecar_load = "carrier pigeon";
  EXPECT_THROW(Gallery::Open(db, bad), GalleryError);

  fs::remove(tmp.path() / "gallery.db-matrix");
  GalleryOptions none;
  none.use_sidecar = false;
  none.search_threads = 1;
  const auto g = Gallery::Open(db, none);
  EXPECT_FALSE(fs::exists(tmp.path() / "gallery.db-matrix"));
  EXPECT_EQ(g->snapshot_hash(), reference->snapshot_hash());
  const auto found = g->Search(At(0.2f), 1);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].subject_id, "alice");
}

TEST(Gallery, RefreshLoadsTheSidecarAnotherProcessWrote) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  const auto daemon_view = Gallery::Open(tmp.path() / "gallery.db");
  const std::string empty = daemon_view->snapshot_hash();
  {
    const auto cli_view = Gallery::Open(tmp.path() / "gallery.db");
    FakeEngine engine;
    cli_view->EnrollDirectory(engine, tmp.path() / "enrol");
  }
  EXPECT_TRUE(daemon_view->Refresh());
  EXPECT_EQ(daemon_view->Stats().load.rfind("side-car", 0), 0u) << daemon_view->Stats().load;
  EXPECT_NE(daemon_view->snapshot_hash(), empty);
  EXPECT_FALSE(daemon_view->Refresh());
}

TEST(Gallery, SearchesRunWhileAnotherThreadEnrolsAndRefreshes) {
  TempDir tmp;
  WriteFile(tmp.path() / "enrol/alice/1.jpg", "faces 0.10");
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine engine;
  gallery->EnrollDirectory(engine, tmp.path() / "enrol");
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0};
  std::thread searcher([&] {
    while (!stop) {
      const SearchResult r = gallery->SearchWithin(At(0.1f), 0.05f);
      ASSERT_EQ(r.candidates.size(), 1u);  // alice is there in every snapshot
      EXPECT_EQ(r.candidates[0].subject_id, "alice");
      ++searches;
    }
  });
  for (int i = 0; i < 8; ++i) {
    WriteFile(tmp.path() / "enrol" / ("s" + std::to_string(i)) / "1.jpg",
              "faces " + std::to_string(1 + i));
    gallery->EnrollDirectory(engine, tmp.path() / "enrol");
    if (i % 2) {
      EXPECT_EQ(gallery->RemoveSubject("s" + std::to_string(i - 1)), 1u);
      fs::remove_all(tmp.path() / "enrol" / ("s" + std::to_string(i - 1)));
    }
    gallery->Refresh();
  }
  stop = true;
  searcher.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(gallery->subject_count(), 5u);
}

// Two programs that both saw the gallery empty cannot fill it with two models.
TEST(Gallery, TwoProgramsCannotMixModels) {
  TempDir tmp;
  WriteFile(tmp.path() / "a/alice/1.jpg", "faces 0.10");
  WriteFile(tmp.path() / "b/bob/1.jpg", "faces 0.20");
  const auto first = Gallery::Open(tmp.path() / "gallery.db");
  const auto second = Gallery::Open(tmp.path() / "gallery.db");
  FakeEngine model_a("model_a"), model_b("model_b");
  EXPECT_EQ(first->EnrollDirectory(model_a, tmp.path() / "a").faces_enrolled, 1);
  try {
    second->EnrollDirectory(model_b, tmp.path() / "b");  // its snapshot is still empty
    FAIL() << "no GalleryError";
  } catch (const GalleryError& e) {
    EXPECT_NE(std::string(e.what()).find("another model"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(second->Refresh());
  EXPECT_EQ(second->face_count(), 1u);
  EXPECT_EQ(second->model_id(), "model_a");
}

TEST(Gallery, ImportFacesChecksItsInputAndIsIdempotent) {
  TempDir tmp;
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  FaceRecord a;
  a.subject_id = "a";
  a.image_sha256 = std::string(64, 'a');
  a.image_path = "/gallery/a.jpg";
  a.source = "import";
  a.embedding = At(0.5f);
  FaceRecord b = a;
  b.subject_id = "b";
  b.image_sha256 = std::string(64, 'b');
  const EnrollReport first = gallery->ImportFaces({a, b}, "m1");
  EXPECT_EQ(first.faces_enrolled, 2);
  const EnrollReport again = gallery->ImportFaces({a, b}, "m1");
  EXPECT_EQ(again.faces_enrolled, 0);
  EXPECT_EQ(again.already_enrolled, 2);
  EXPECT_EQ(gallery->face_count(), 2u);
  EXPECT_THROW(gallery->ImportFaces({a}, "m2"), GalleryError);
  FaceRecord bad = a;
  bad.image_sha256 = "ABC";
  EXPECT_THROW(gallery->ImportFaces({bad}, "m1"), GalleryError);
  bad = a;
  bad.embedding[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(gallery->ImportFaces({bad}, "m1"), GalleryError);
  EXPECT_EQ(gallery->face_count(), 2u);
}

// A gallery written by the first rtcc (schema 1, no provenance, no change token) opens, is
// upgraded, keeps its faces and can be searched and enrolled into.
TEST(Gallery, UpgradesASchema1Gallery) {
  TempDir tmp;
  const fs::path db = tmp.path() / "gallery.db";
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    const Embedding e = At(0.25f);
    std::string blob(reinterpret_cast<const char*>(e.data()), sizeof(float) * kEmbeddingDim);
    const std::string sql = R"sql(
      CREATE TABLE subjects(subject_id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
      CREATE TABLE faces(id INTEGER PRIMARY KEY,
        subject_id TEXT NOT NULL REFERENCES subjects(subject_id), image_path TEXT NOT NULL,
        image_sha256 TEXT NOT NULL UNIQUE, model_id TEXT NOT NULL, dim INTEGER NOT NULL,
        embedding BLOB NOT NULL, box_x INTEGER NOT NULL, box_y INTEGER NOT NULL,
        box_width INTEGER NOT NULL, box_height INTEGER NOT NULL,
        enrolled_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
      CREATE INDEX faces_subject ON faces(subject_id);
      PRAGMA user_version = 1;
      INSERT INTO subjects(subject_id) VALUES ('old');)sql";
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(raw,
                           "INSERT INTO faces(subject_id, image_path, image_sha256, model_id, "
                           "dim, embedding, box_x, box_y, box_width, box_height) VALUES "
                           "('old', '/old/1.jpg', ?, 'fake_model_v1', 128, ?, 0, 0, 1, 1)",
                           -1, &stmt, nullptr),
        SQLITE_OK);
    const std::string sha(64, 'c');
    sqlite3_bind_text(stmt, 1, sha.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(stmt, 2, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
  }
  const auto gallery = Gallery::Open(db);
  EXPECT_EQ(gallery->face_count(), 1u);
  EXPECT_EQ(gallery->model_id(), "fake_model_v1");
  const auto found = gallery->Search(At(0.2f), 0.1f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject_id, "old");
  EXPECT_EQ(found[0].image_ref, "/old/1.jpg");
  EXPECT_EQ(found[0].source, "");
  WriteFile(tmp.path() / "enrol/new/1.jpg", "faces 0.30");
  FakeEngine engine;
  EXPECT_EQ(gallery->EnrollDirectory(engine, tmp.path() / "enrol").faces_enrolled, 1);
  EXPECT_EQ(Gallery::Open(db)->face_count(), 2u);
}

// Real photos through a manifest: two photos of each dlib_johns person enrolled with provenance,
// a third photo of each searched.
TEST(Gallery, ManifestOfRealPhotosFindsEachPersonWithTheirProvenance) {
  TempDir tmp;
  std::string manifest = "subject_id,name,image_path,source,date\n";
  std::map<std::string, fs::path> probes;
  for (const auto& person : fs::directory_iterator(kFaces / "dlib_johns")) {
    std::vector<fs::path> photos;
    for (const auto& f : fs::directory_iterator(person.path())) photos.push_back(f.path());
    std::sort(photos.begin(), photos.end());
    const std::string name = person.path().filename().string();
    for (int i = 0; i < 2; ++i) {
      // Relative to the manifest's folder.
      manifest += "ID-" + name + ",\"" + name + ", the " + std::to_string(i + 1) + "\"," +
                  photos[static_cast<std::size_t>(i)].lexically_relative(tmp.path()).string() +
                  ",test set,2020-01-0" + std::to_string(i + 1) + "\n";
    }
    probes["ID-" + name] = photos.back();
  }
  // (Two different names for one id: the second row of each person is refused.)
  WriteFile(tmp.path() / "manifest.csv", manifest);
  const auto engine = FaceEngine::Load({});
  const auto gallery = Gallery::Open(tmp.path() / "gallery.db");
  const EnrollReport report = gallery->EnrollManifest(*engine, tmp.path() / "manifest.csv");
  EXPECT_EQ(report.faces_enrolled, 5);
  EXPECT_EQ(report.problems.size(), 5u);
  EXPECT_TRUE(Mentions(report.problems, "line 3", "is enrolled with the name"));
  for (const auto& [subject, photo] : probes) {
    const std::string bytes = ReadAll(photo);
    const auto faces =
        engine->Analyze({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    ASSERT_EQ(faces.size(), 1u) << photo;
    const SearchResult r = gallery->SearchWithin(faces[0].embedding, 0.6f);
    ASSERT_FALSE(r.candidates.empty()) << subject;
    EXPECT_EQ(r.candidates[0].subject_id, subject);
    EXPECT_EQ(r.candidates[0].subject_name, subject.substr(3) + ", the 1");
    EXPECT_EQ(r.candidates[0].source, "test set");
    EXPECT_EQ(r.candidates[0].source_date, "2020-01-01");
    EXPECT_EQ(r.model_id, engine->model_id());
  }
}

}  // namespace
}  // namespace rtcc::matcher
