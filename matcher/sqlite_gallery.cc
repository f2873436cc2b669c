#include "matcher/sqlite_gallery.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "base/sha256.h"
#include "base/sqlite_db.h"
#include "base/strings.h"
#include "matcher/gallery_manifest.h"
#include "matcher/gallery_sidecar.h"
#include "matcher/gallery_snapshot_hash.h"
#include "matcher/search_index.h"
#include "matcher/worker_pool.h"

namespace rtcc::matcher {
namespace {

static_assert(std::endian::native == std::endian::little,
              "embeddings are stored as little-endian float32 blobs");
static_assert(std::numeric_limits<float>::is_iec559);

constexpr int kSchemaVersion = 2;

// Every change to faces or subjects draws a new random change token (in the same transaction): the
// side-car names the token it was built from, so any change by any program makes it stale.
constexpr char kStateSchema[] = R"sql(
CREATE TABLE gallery_state(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  change_token BLOB NOT NULL
);
INSERT INTO gallery_state(id, change_token) VALUES (1, randomblob(16));
CREATE TRIGGER faces_inserted AFTER INSERT ON faces
  BEGIN UPDATE gallery_state SET change_token = randomblob(16); END;
CREATE TRIGGER faces_deleted AFTER DELETE ON faces
  BEGIN UPDATE gallery_state SET change_token = randomblob(16); END;
CREATE TRIGGER faces_updated AFTER UPDATE ON faces
  BEGIN UPDATE gallery_state SET change_token = randomblob(16); END;
CREATE TRIGGER subjects_inserted AFTER INSERT ON subjects
  BEGIN UPDATE gallery_state SET change_token = randomblob(16); END;
CREATE TRIGGER subjects_deleted AFTER DELETE ON subjects
  BEGIN UPDATE gallery_state SET change_token = randomblob(16); END;
CREATE TRIGGER subjects_updated AFTER UPDATE ON subjects
  BEGIN UPDATE gallery_state SET change_token = randomblob(16); END;
-- One model per gallery, also when two programs enrol at once (every row has the same model, so
-- any one row tells which).
CREATE TRIGGER faces_one_model BEFORE INSERT ON faces
  WHEN (SELECT model_id FROM faces LIMIT 1) <> NEW.model_id
  BEGIN SELECT RAISE(ABORT, 'the gallery holds embeddings of another model'); END;
PRAGMA user_version = 2;
)sql";

// Schema 2 from scratch (schema 1 plus provenance: a migrated file has the same columns).
constexpr char kSchema[] = R"sql(
CREATE TABLE subjects(
  subject_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE faces(
  id INTEGER PRIMARY KEY,
  subject_id TEXT NOT NULL REFERENCES subjects(subject_id),
  image_path TEXT NOT NULL,
  image_sha256 TEXT NOT NULL UNIQUE,
  model_id TEXT NOT NULL,
  dim INTEGER NOT NULL,
  embedding BLOB NOT NULL,
  box_x INTEGER NOT NULL,
  box_y INTEGER NOT NULL,
  box_width INTEGER NOT NULL,
  box_height INTEGER NOT NULL,
  enrolled_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  source TEXT NOT NULL DEFAULT '',
  source_date TEXT NOT NULL DEFAULT '',
  original_path TEXT NOT NULL DEFAULT ''
);
CREATE INDEX faces_subject ON faces(subject_id);
)sql";

// Schema 1 -> 2: provenance columns, the change token.
constexpr char kMigrate1To2[] = R"sql(
ALTER TABLE subjects ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE faces ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE faces ADD COLUMN source_date TEXT NOT NULL DEFAULT '';
ALTER TABLE faces ADD COLUMN original_path TEXT NOT NULL DEFAULT '';
UPDATE faces SET original_path = image_path;
)sql";

sidecar::LoadMode ParseLoadMode(const std::string& mode) {
  if (mode == "mmap") return sidecar::LoadMode::kMmap;
  if (mode == "mmap-populate") return sidecar::LoadMode::kMmapPopulate;
  if (mode == "read") return sidecar::LoadMode::kRead;
  throw GalleryError("gallery: unknown side-car load mode '" + mode +
                     "' (mmap, mmap-populate or read)");
}

}  // namespace

SqliteGallery::SqliteGallery(const std::filesystem::path& path, const GalleryOptions& options)
    : path_(path),
      sidecar_path_(path.string() + "-matrix"),
      options_(options),
      load_mode_(ParseLoadMode(options.sidecar_load)),
      pool_(options.search_threads > 0 ? options.search_threads
                                       : std::max(1u, std::thread::hardware_concurrency())) {
  try {
    // A power cut may lose the last enrolments, which enrolling the folder again redoes (it is
    // idempotent): the gallery does not need synchronous=FULL.
    db_ = std::make_unique<base::SqliteDb>(
        path, base::SqliteOptions{.survive_power_loss = false, .busy_timeout_ms = 5000});
    Migrate();
  } catch (const base::SqliteError& e) {
    throw GalleryError("gallery: " + std::string(e.what()) + " (" + path.string() + ")");
  } catch (const GalleryError& e) {
    throw GalleryError(std::string(e.what()) + " (" + path.string() + ")");
  }
  std::lock_guard lock(db_mutex_);
  Load();
}

std::size_t SqliteGallery::RemoveSubject(std::string_view subject_id) {
  std::lock_guard lock(db_mutex_);
  Transaction tx(*db_);
  Statement count(db_->handle(), "SELECT count(*) FROM faces WHERE subject_id = ?");
  count.Bind(1, subject_id);
  count.Step();
  const auto faces = static_cast<std::size_t>(count.Int(0));
  count.Reset();
  Statement(db_->handle(), "DELETE FROM faces WHERE subject_id = ?").Bind(1, subject_id).Run();
  Statement(db_->handle(), "DELETE FROM subjects WHERE subject_id = ?").Bind(1, subject_id).Run();
  const bool subject_existed = db_->Changes() > 0;
  tx.Commit();
  if (faces > 0 || subject_existed) Load();
  return faces;
}

SearchResult SqliteGallery::SearchWithin(const Embedding& probe, float threshold) const {
  const std::shared_ptr<const Snapshot> snap = Current();
  SearchResult result = Describe(*snap);
  result.threshold = threshold;
  SearchStats stats;
  std::vector<Neighbor> found;
  try {
    found = snap->index->Within(probe.data(), threshold, {}, &stats);
  } catch (const std::invalid_argument& e) {
    throw GalleryError(std::string("gallery: cannot search: ") + e.what());
  }
  result.kernel = std::string(KernelName(stats.kernel));
  result.candidates = BestPerSubject(*snap, found, found.size());
  return result;
}

SearchResult SqliteGallery::TopK(const Embedding& probe, std::size_t k) const {
  const std::shared_ptr<const Snapshot> snap = Current();
  SearchResult result = Describe(*snap);
  result.k = k;
  const std::size_t n = snap->view.faces;
  if (k == 0 || n == 0) return result;
  // The k' nearest faces hold the k nearest subjects once they hold k different subjects (a
  // subject not among them has its nearest face farther than all k').
  std::size_t want = k;
  for (;;) {
    SearchStats stats;
    std::vector<Neighbor> found;
    try {
      found = snap->index->TopK(probe.data(), want, {}, &stats);
    } catch (const std::invalid_argument& e) {
      throw GalleryError(std::string("gallery: cannot search: ") + e.what());
    }
    result.kernel = std::string(KernelName(stats.kernel));
    std::unordered_set<std::uint32_t> subjects;
    for (const Neighbor& nb : found) subjects.insert(snap->view.face_subject[nb.row]);
    if (subjects.size() >= k || want >= n) {
      result.candidates = BestPerSubject(*snap, found, k);
      return result;
    }
    want = std::min(n, want * 2);
  }
}

bool SqliteGallery::Refresh() {
  std::lock_guard lock(db_mutex_);
  const std::int64_t version = DataVersion();
  if (version == loaded_version_) return false;
  if (ReadToken() == Current()->view.token) {  // a commit that changed no face
    loaded_version_ = version;
    return false;
  }
  Load();
  return true;
}

GalleryStats SqliteGallery::Stats() const {
  std::lock_guard lock(db_mutex_);
  GalleryStats s;
  Statement totals(db_->handle(),
                   "SELECT count(*), count(DISTINCT subject_id), coalesce(max(enrolled_at), ''), "
                   "coalesce(min(model_id), ''), coalesce(max(dim), 0) FROM faces");
  totals.Step();
  s.faces = static_cast<std::size_t>(totals.Int(0));
  s.subjects = static_cast<std::size_t>(totals.Int(1));
  s.last_enrolled_at = totals.Text(2);
  s.model_id = totals.Text(3);
  s.dim = static_cast<std::size_t>(totals.Int(4));
  totals.Reset();
  Statement sources(db_->handle(),
                    "SELECT source, count(*) FROM faces GROUP BY source ORDER BY source");
  while (sources.Step()) {
    s.faces_per_source.emplace_back(sources.Text(0), static_cast<std::size_t>(sources.Int(1)));
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    const auto size = std::filesystem::file_size(path_.string() + suffix, ec);
    if (!ec) s.database_bytes += size;
  }
  const auto sidecar_size = std::filesystem::file_size(sidecar_path_, ec);
  s.sidecar_bytes = ec ? 0 : sidecar_size;
  const auto snap = Current();
  s.snapshot_hash = snap->view.snapshot_hash;
  s.load = snap->load;
  return s;
}

std::shared_ptr<const Snapshot> SqliteGallery::Current() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

SearchResult SqliteGallery::Describe(const Snapshot& snap) {
  SearchResult r;
  r.model_id = snap.view.model_id;
  r.snapshot_hash = snap.view.snapshot_hash;
  r.faces_compared = snap.view.faces;
  r.subjects = snap.view.subjects;
  return r;
}

std::vector<Candidate> SqliteGallery::BestPerSubject(const Snapshot& snap,
                                                     const std::vector<Neighbor>& found,
                                                     std::size_t limit) {
  const sidecar::View& v = snap.view;
  std::vector<Candidate> out;
  std::unordered_set<std::uint32_t> seen;
  for (const Neighbor& nb : found) {
    if (out.size() >= limit) break;
    const std::uint32_t subject = v.face_subject[nb.row];
    if (!seen.insert(subject).second) continue;
    Candidate c;
    c.subject_id = std::string(v.Subject(subject, sidecar::kSubjectId));
    c.subject_name = std::string(v.Subject(subject, sidecar::kName));
    c.image_ref = std::string(v.Face(nb.row, sidecar::kImagePath));
    c.image_sha256 = v.Sha256Hex(nb.row);
    c.source = std::string(v.Face(nb.row, sidecar::kSource));
    c.source_date = std::string(v.Face(nb.row, sidecar::kDate));
    c.distance = nb.distance;
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.subject_id < b.subject_id);
  });
  for (std::size_t r = 0; r < out.size(); ++r) out[r].rank = static_cast<int>(r + 1);
  return out;
}

void SqliteGallery::Migrate() {
  Statement version(db_->handle(), "PRAGMA user_version");
  version.Step();
  const std::int64_t current = version.Int(0);
  version.Reset();
  if (current == kSchemaVersion) return;
  if (current > kSchemaVersion) {
    throw GalleryError("gallery: schema version " + std::to_string(current) +
                       " is newer than this rtcc understands (" + std::to_string(kSchemaVersion) +
                       ")");
  }
  Transaction tx(*db_);
  if (current == 0) {
    Statement tables(db_->handle(), "SELECT count(*) FROM sqlite_schema");
    tables.Step();
    if (tables.Int(0) != 0) {
      throw GalleryError("gallery: the file is an SQLite database but not an rtcc gallery");
    }
    tables.Reset();
    db_->Exec(kSchema);
  } else {
    db_->Exec(kMigrate1To2);
  }
  db_->Exec(kStateSchema);
  tx.Commit();
}

}  // namespace rtcc::matcher
