// The gallery behind Gallery::Open: SQLite for the enrolled faces and their provenance, a
// side-car matrix file for fast loading, and an immutable in-memory snapshot that searches use.
// Internal to matcher/: nothing outside this folder includes it (use matcher/gallery.h).
// Its code is in three files: sqlite_gallery.cc (opening, schema, search, removal, statistics),
// sqlite_gallery_enrol.cc (enrolment and import) and sqlite_gallery_snapshot.cc (loading the
// snapshot and the side-car).
#pragma once

#include <bit>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/sqlite_db.h"
#include "matcher/gallery.h"
#include "matcher/gallery_sidecar.h"
#include "matcher/search_index.h"
#include "matcher/worker_pool.h"

namespace rtcc::matcher {

static_assert(std::endian::native == std::endian::little,
              "embeddings are stored as little-endian float32 blobs");
static_assert(std::numeric_limits<float>::is_iec559);

using base::Statement;
using base::Transaction;

// One image to enrol, wherever it was listed.
struct Item {
  std::filesystem::path file;
  std::string where;  // how problems name it: the file, or "<manifest> line N (file)"
  std::string subject;
  std::string name;
  std::string source;
  std::string date;
  std::string original_path;
};

// The loaded gallery: the side-car's bytes (mapped or in memory), views into them, and the search
// index over its matrix. Immutable; searches hold it while they run.
struct Snapshot {
  std::unique_ptr<sidecar::Bytes> bytes;
  sidecar::View view;
  std::unique_ptr<SearchIndex> index;
  std::string load;
};

// The Gallery of matcher/gallery.h (its methods' contracts are stated there) on SQLite, with the
// embedding matrix in a sidecar file and searched by SearchIndex.
class SqliteGallery final : public Gallery {
 public:
  // Opens or creates the gallery database at `path` (Gallery::Open is the usual way).
  SqliteGallery(const std::filesystem::path& path, const GalleryOptions& options);

  EnrollReport EnrollDirectory(FaceEngine& engine, const std::filesystem::path& dir,
                               const EnrollOptions& options) override;

  EnrollReport EnrollManifest(FaceEngine& engine, const std::filesystem::path& manifest_file,
                              const EnrollOptions& options) override;

  EnrollReport ImportFaces(const std::vector<FaceRecord>& faces, std::string_view model_id,
                           const EnrollOptions& options) override;

  std::size_t RemoveSubject(std::string_view subject_id) override;

  SearchResult SearchWithin(const Embedding& probe, float threshold) const override;

  SearchResult TopK(const Embedding& probe, std::size_t k) const override;

  bool Refresh() override;

  std::string model_id() const override { return Current()->view.model_id; }
  std::string snapshot_hash() const override { return Current()->view.snapshot_hash; }
  std::size_t face_count() const override { return Current()->view.faces; }
  std::size_t subject_count() const override { return Current()->view.subjects; }
  GalleryStats Stats() const override;

 private:
  struct Statements {
    explicit Statements(sqlite3* db)
        : find(db, "SELECT subject_id, image_path FROM faces WHERE image_sha256 = ?"),
          subject(db, "SELECT name FROM subjects WHERE subject_id = ?"),
          add_subject(db, "INSERT INTO subjects(subject_id, name) VALUES (?, ?)"),
          name_subject(db, "UPDATE subjects SET name = ? WHERE subject_id = ?"),
          add_face(db,
                   "INSERT INTO faces(subject_id, image_path, image_sha256, model_id, dim, "
                   "embedding, box_x, box_y, box_width, box_height, source, source_date, "
                   "original_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT(image_sha256) DO NOTHING") {}
    Statement find, subject, add_subject, name_subject, add_face;
  };

  std::shared_ptr<const Snapshot> Current() const;

  static SearchResult Describe(const Snapshot& snap);

  // The first (nearest) face of each subject in `found` (sorted by distance, then row), at most
  // `limit` subjects, ranked nearest first (equal distances by subject id).
  static std::vector<Candidate> BestPerSubject(const Snapshot& snap,
                                               const std::vector<Neighbor>& found,
                                               std::size_t limit);

  // Checks the subject's name against `name`, adding the subject or its missing name (and then
  // sets *changed). Returns a problem ("" when none). The caller holds a write transaction.
  std::string SubjectName(Statements& st, const std::string& subject, const std::string& name,
                          bool* changed = nullptr);

  void Insert(Statements& st, const std::string& subject, const std::string& image_path,
              const std::string& sha256, const std::string& model, const Embedding& embedding,
              const FaceBox& box, const std::string& source, const std::string& date,
              const std::string& original_path);

  // Enrols each item: one transaction per image, so an interrupted enrolment keeps what it did.
  void Enrol(FaceEngine& engine, const std::vector<Item>& items, EnrollReport& report,
             const std::function<void(std::size_t, std::size_t)>& progress, std::size_t& done,
             std::size_t total);

  void EnrolOne(FaceEngine& engine, const std::string& model, Statements& st, const Item& item,
                EnrollReport& report, bool& changed);

  void Migrate();

  // SQLite's counter of commits made by other connections to this file.
  std::int64_t DataVersion() const;

  sidecar::Token ReadToken() const;

  // Everything a search needs, from SQLite, rows in image SHA-256 order, and the snapshot hash
  // (see Gallery::snapshot_hash). The caller holds a read transaction. The faces are read in
  // table order (a sequential scan) and put in place by their SHA-256 rank, taken from the SHA-256
  // index: reading them through that index instead made SQLite jump around the file (3-4x slower
  // for a million faces).
  sidecar::Contents ReadContents(const sidecar::Token& token) const;

  // Loads the snapshot: from the side-car when it is current and intact, else from SQLite (and
  // then writes the side-car). The caller holds db_mutex_.
  void Load();

  static std::string Ms(std::chrono::steady_clock::duration d);

  std::filesystem::path path_;
  std::filesystem::path sidecar_path_;
  GalleryOptions options_;
  sidecar::LoadMode load_mode_;
  mutable WorkerPool pool_;
  std::unique_ptr<base::SqliteDb> db_;
  mutable std::mutex db_mutex_;  // the connection and loaded_version_
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::int64_t loaded_version_ = -1;
};

}  // namespace rtcc::matcher
