#include "matcher/gallery.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <unistd.h>

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

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;

[[noreturn]] void Fail(sqlite3* db, const std::string& what) {
  throw GalleryError("gallery: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw GalleryError("gallery: " + text);
  }
}

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      Fail(db, "cannot prepare " + std::string(sql));
    }
    stmt_.reset(stmt);
  }

  Statement& Bind(int index, std::string_view text) {
    Check(sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& Bind(int index, std::int64_t value) {
    Check(sqlite3_bind_int64(stmt_.get(), index, value));
    return *this;
  }
  Statement& BindBlob(int index, const void* data, std::size_t size) {
    Check(sqlite3_bind_blob(stmt_.get(), index, data, static_cast<int>(size), SQLITE_TRANSIENT));
    return *this;
  }

  // True while a row is available.
  bool Step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Fail(db_, "query failed");
  }
  void Run() {
    while (Step()) {
    }
    sqlite3_reset(stmt_.get());
  }
  void Reset() { sqlite3_reset(stmt_.get()); }

  std::string Text(int column) const {
    const auto* p = sqlite3_column_text(stmt_.get(), column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)))
             : std::string();
  }
  std::string_view TextView(int column) const {
    const auto* p = sqlite3_column_text(stmt_.get(), column);
    return p ? std::string_view(reinterpret_cast<const char*>(p),
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)))
             : std::string_view();
  }
  std::int64_t Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  std::span<const std::uint8_t> Blob(int column) const {
    const void* p = sqlite3_column_blob(stmt_.get(), column);
    const int size = sqlite3_column_bytes(stmt_.get(), column);
    return {static_cast<const std::uint8_t*>(p), p ? static_cast<std::size_t>(size) : 0};
  }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  void Check(int rc) {
    if (rc != SQLITE_OK) Fail(db_, "cannot bind a parameter");
  }

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// BEGIN [IMMEDIATE] .. COMMIT; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db, bool write = true) : db_(db) {
    Exec(db_, write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    Exec(db_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

// Creates the file with mode 0600 (SQLite would use 0644 less the umask); its -wal and -shm files
// take the database file's mode. An existing file keeps its mode.
void CreatePrivateFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno == EEXIST) return;
  throw GalleryError("gallery: cannot create " + path.string() + ": " + std::strerror(errno));
}

bool IsImageName(const std::filesystem::path& file) {
  std::string ext = base::Lower(file.extension().string());
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

// Sorted entries of `dir` that satisfy `keep` (hidden names skipped).
template <typename Keep>
std::vector<std::filesystem::path> SortedEntries(const std::filesystem::path& dir, Keep keep) {
  std::vector<std::filesystem::path> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with('.')) continue;
    if (keep(entry)) entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

std::optional<std::vector<std::uint8_t>> ReadFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

std::string Absolute(const std::filesystem::path& p) {
  std::error_code ec;
  const auto a = std::filesystem::absolute(p, ec);
  return ec ? p.string() : a.lexically_normal().string();
}

int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

sidecar::LoadMode ParseLoadMode(const std::string& mode) {
  if (mode == "mmap") return sidecar::LoadMode::kMmap;
  if (mode == "mmap-populate") return sidecar::LoadMode::kMmapPopulate;
  if (mode == "read") return sidecar::LoadMode::kRead;
  throw GalleryError("gallery: unknown side-car load mode '" + mode +
                     "' (mmap, mmap-populate or read)");
}

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

class SqliteGallery final : public Gallery {
 public:
  SqliteGallery(const std::filesystem::path& path, const GalleryOptions& options)
      : path_(path),
        sidecar_path_(path.string() + "-matrix"),
        options_(options),
        load_mode_(ParseLoadMode(options.sidecar_load)),
        pool_(options.search_threads > 0 ? options.search_threads
                                         : std::max(1u, std::thread::hardware_concurrency())) {
    CreatePrivateFile(path);
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    db_.reset(db);
    if (rc != SQLITE_OK) Fail(db, "cannot open " + path.string());
    sqlite3_busy_timeout(db, 5000);
    try {
      // NORMAL: in WAL mode a commit survives a crash of the process; a power cut may lose the
      // last enrolments, which enrolling the folder again redoes (it is idempotent).
      Exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
      Migrate();
    } catch (const GalleryError& e) {
      throw GalleryError(std::string(e.what()) + " (" + path.string() + ")");
    }
    std::lock_guard lock(db_mutex_);
    Load();
  }

  EnrollReport EnrollDirectory(FaceEngine& engine, const std::filesystem::path& dir,
                               const EnrollOptions& options) override {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      throw GalleryError("gallery: " + dir.string() + " is not a folder");
    }
    CheckModel(engine.model_id());
    EnrollReport report;
    const auto is_dir = [](const std::filesystem::directory_entry& e) { return e.is_directory(); };
    const auto is_image = [](const std::filesystem::directory_entry& e) {
      return !e.is_directory() && IsImageName(e.path());
    };
    const std::vector<std::filesystem::path> strays = SortedEntries(dir, is_image);
    const std::string source = options.source.empty() ? "folder " + Absolute(dir) : options.source;
    std::vector<Item> items;
    for (const auto& subject_dir : SortedEntries(dir, is_dir)) {
      for (const auto& file : SortedEntries(subject_dir, is_image)) {
        Item item;
        item.file = file;
        item.where = file.string();
        item.subject = subject_dir.filename().string();
        item.source = source;
        item.original_path = file.lexically_relative(dir).string();
        items.push_back(std::move(item));
      }
    }
    const std::size_t total = strays.size() + items.size();
    std::size_t done = 0;
    if (options.progress) options.progress(0, total);
    for (const auto& stray : strays) {
      ++report.images_seen;
      report.problems.push_back(stray.string() +
                                ": not in a subject folder (one folder per subject); skipped.");
      if (options.progress) options.progress(++done, total);
    }
    Enrol(engine, items, report, options.progress, done, total);
    return report;
  }

  EnrollReport EnrollManifest(FaceEngine& engine, const std::filesystem::path& manifest_file,
                              const EnrollOptions& options) override {
    Manifest manifest;
    try {
      manifest = ReadManifest(manifest_file);
    } catch (const ManifestError& e) {
      throw GalleryError(std::string("gallery: manifest ") + e.what());
    }
    CheckModel(engine.model_id());
    EnrollReport report;
    report.problems = manifest.problems;
    const std::string default_source =
        options.source.empty() ? "manifest " + manifest_file.filename().string() : options.source;
    std::vector<Item> items;
    for (const ManifestRow& row : manifest.rows) {
      Item item;
      item.file = row.image_path;
      item.where = manifest_file.string() + " line " + std::to_string(row.line) + " (" +
                   row.image_path.string() + ")";
      item.subject = row.subject_id;
      item.name = row.name;
      item.source = row.source.empty() ? default_source : row.source;
      item.date = row.date;
      item.original_path = row.image;
      items.push_back(std::move(item));
    }
    std::size_t done = 0;
    if (options.progress) options.progress(0, items.size());
    Enrol(engine, items, report, options.progress, done, items.size());
    return report;
  }

  EnrollReport ImportFaces(const std::vector<FaceRecord>& faces, std::string_view model_id,
                           const EnrollOptions& options) override {
    if (model_id.empty()) throw GalleryError("gallery: import without a model id");
    CheckModel(model_id);
    for (const FaceRecord& f : faces) {
      if (!base::IsSha256Hex(f.image_sha256) || f.subject_id.empty()) {
        throw GalleryError("gallery: import of a face without a subject id or a SHA-256 ('" +
                           f.image_sha256 + "')");
      }
      for (float x : f.embedding) {
        if (!std::isfinite(x)) throw GalleryError("gallery: import of a non-finite embedding");
      }
    }
    std::lock_guard lock(db_mutex_);
    EnrollReport report;
    Statements st(db_.get());
    Transaction tx(db_.get());
    std::size_t done = 0;
    if (options.progress) options.progress(0, faces.size());
    for (const FaceRecord& f : faces) {
      ++report.images_seen;
      st.find.Bind(1, f.image_sha256);
      if (st.find.Step()) {
        const std::string other = st.find.Text(0);
        st.find.Reset();
        if (other == f.subject_id) {
          ++report.already_enrolled;
        } else {
          report.problems.push_back(f.image_path + ": the same image as one enrolled for subject " +
                                    other + "; skipped.");
        }
      } else {
        st.find.Reset();
        const std::string name_problem = SubjectName(st, f.subject_id, f.subject_name);
        if (!name_problem.empty()) {
          report.problems.push_back(f.image_path + ": " + name_problem + "; skipped.");
        } else {
          Insert(st, f.subject_id, f.image_path, f.image_sha256, std::string(model_id), f.embedding,
                 f.box, f.source, f.source_date, f.image_path);
          ++report.faces_enrolled;
        }
      }
      if (options.progress) options.progress(++done, faces.size());
    }
    tx.Commit();
    if (report.faces_enrolled > 0) Load();
    return report;
  }

  std::size_t RemoveSubject(std::string_view subject_id) override {
    std::lock_guard lock(db_mutex_);
    Transaction tx(db_.get());
    Statement count(db_.get(), "SELECT count(*) FROM faces WHERE subject_id = ?");
    count.Bind(1, subject_id);
    count.Step();
    const auto faces = static_cast<std::size_t>(count.Int(0));
    count.Reset();
    Statement(db_.get(), "DELETE FROM faces WHERE subject_id = ?").Bind(1, subject_id).Run();
    Statement(db_.get(), "DELETE FROM subjects WHERE subject_id = ?").Bind(1, subject_id).Run();
    const bool subject_existed = sqlite3_changes(db_.get()) > 0;
    tx.Commit();
    if (faces > 0 || subject_existed) Load();
    return faces;
  }

  SearchResult SearchWithin(const Embedding& probe, float threshold) const override {
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

  SearchResult TopK(const Embedding& probe, std::size_t k) const override {
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

  bool Refresh() override {
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

  std::string model_id() const override { return Current()->view.model_id; }
  std::string snapshot_hash() const override { return Current()->view.snapshot_hash; }
  std::size_t face_count() const override { return Current()->view.faces; }
  std::size_t subject_count() const override { return Current()->view.subjects; }

  GalleryStats Stats() const override {
    std::lock_guard lock(db_mutex_);
    GalleryStats s;
    Statement totals(db_.get(),
                     "SELECT count(*), count(DISTINCT subject_id), coalesce(max(enrolled_at), ''), "
                     "coalesce(min(model_id), ''), coalesce(max(dim), 0) FROM faces");
    totals.Step();
    s.faces = static_cast<std::size_t>(totals.Int(0));
    s.subjects = static_cast<std::size_t>(totals.Int(1));
    s.last_enrolled_at = totals.Text(2);
    s.model_id = totals.Text(3);
    s.dim = static_cast<std::size_t>(totals.Int(4));
    totals.Reset();
    Statement sources(db_.get(),
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

  std::shared_ptr<const Snapshot> Current() const {
    std::lock_guard lock(snapshot_mutex_);
    return snapshot_;
  }

  static SearchResult Describe(const Snapshot& snap) {
    SearchResult r;
    r.model_id = snap.view.model_id;
    r.snapshot_hash = snap.view.snapshot_hash;
    r.faces_compared = snap.view.faces;
    r.subjects = snap.view.subjects;
    return r;
  }

  // The first (nearest) face of each subject in `found` (sorted by distance, then row), at most
  // `limit` subjects, ranked nearest first (equal distances by subject id).
  static std::vector<Candidate> BestPerSubject(const Snapshot& snap,
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

  // Checks the subject's name against `name`, adding the subject or its missing name (and then
  // sets *changed). Returns a problem ("" when none). The caller holds a write transaction.
  std::string SubjectName(Statements& st, const std::string& subject, const std::string& name,
                          bool* changed = nullptr) {
    st.subject.Bind(1, subject);
    if (!st.subject.Step()) {
      st.subject.Reset();
      st.add_subject.Bind(1, subject).Bind(2, name).Run();
      if (changed) *changed = true;
      return "";
    }
    const std::string known = st.subject.Text(0);
    st.subject.Reset();
    if (name.empty() || known == name) return "";
    if (known.empty()) {
      st.name_subject.Bind(1, name).Bind(2, subject).Run();
      if (changed) *changed = true;
      return "";
    }
    return "subject " + subject + " is enrolled with the name '" + known + "', not '" + name + "'";
  }

  void Insert(Statements& st, const std::string& subject, const std::string& image_path,
              const std::string& sha256, const std::string& model, const Embedding& embedding,
              const FaceBox& box, const std::string& source, const std::string& date,
              const std::string& original_path) {
    st.add_face.Bind(1, subject)
        .Bind(2, image_path)
        .Bind(3, sha256)
        .Bind(4, model)
        .Bind(5, static_cast<std::int64_t>(kEmbeddingDim))
        .BindBlob(6, embedding.data(), sizeof(float) * kEmbeddingDim)
        .Bind(7, std::int64_t{box.x})
        .Bind(8, std::int64_t{box.y})
        .Bind(9, std::int64_t{box.width})
        .Bind(10, std::int64_t{box.height})
        .Bind(11, source)
        .Bind(12, date)
        .Bind(13, original_path)
        .Run();
  }

  // Enrols each item: one transaction per image, so an interrupted enrolment keeps what it did.
  void Enrol(FaceEngine& engine, const std::vector<Item>& items, EnrollReport& report,
             const std::function<void(std::size_t, std::size_t)>& progress, std::size_t& done,
             std::size_t total) {
    const std::string model = engine.model_id();
    std::lock_guard lock(db_mutex_);
    Statements st(db_.get());
    bool changed = false;
    for (const Item& item : items) {
      EnrolOne(engine, model, st, item, report, changed);
      if (progress) progress(++done, total);
    }
    if (changed) Load();
  }

  void EnrolOne(FaceEngine& engine, const std::string& model, Statements& st, const Item& item,
                EnrollReport& report, bool& changed) {
    ++report.images_seen;
    const std::optional<std::vector<std::uint8_t>> bytes = ReadFile(item.file);
    if (!bytes) {
      report.problems.push_back(item.where + ": cannot be read; skipped.");
      return;
    }
    const std::string sha256 = base::Sha256Hex(*bytes);
    st.find.Bind(1, sha256);
    if (st.find.Step()) {
      const std::string other_subject = st.find.Text(0);
      const std::string other_path = st.find.Text(1);
      st.find.Reset();
      if (other_subject != item.subject) {
        report.problems.push_back(item.where + ": the same image as " + other_path +
                                  ", enrolled for subject " + other_subject + "; skipped.");
        return;
      }
      ++report.already_enrolled;
      if (!item.name.empty()) {  // a manifest may name a subject enrolled from a folder
        Transaction tx(db_.get());
        const std::string problem = SubjectName(st, item.subject, item.name, &changed);
        tx.Commit();
        if (!problem.empty()) report.problems.push_back(item.where + ": " + problem + ".");
      }
      return;
    }
    st.find.Reset();

    std::vector<DetectedFace> faces;
    try {
      faces = engine.Analyze(*bytes);
    } catch (const ImageError& e) {
      report.problems.push_back(item.where + ": " + e.what() + " Skipped.");
      return;
    }
    if (faces.size() != 1) {
      report.problems.push_back(item.where + ": " +
                                (faces.empty() ? std::string("no face found")
                                               : std::to_string(faces.size()) + " faces found") +
                                "; a gallery image must show exactly one face. Skipped.");
      return;
    }
    const DetectedFace& face = faces.front();
    Transaction tx(db_.get());
    const std::string problem = SubjectName(st, item.subject, item.name);
    if (!problem.empty()) {
      report.problems.push_back(item.where + ": " + problem + "; skipped.");
      return;  // rolled back
    }
    Insert(st, item.subject, Absolute(item.file), sha256, model, face.embedding, face.box,
           item.source, item.date, item.original_path);
    const bool inserted = sqlite3_changes(db_.get()) == 1;
    tx.Commit();
    changed = true;
    if (inserted) {
      ++report.faces_enrolled;
    } else {
      ++report.already_enrolled;  // enrolled meanwhile by another process
    }
  }

  void Migrate() {
    Statement version(db_.get(), "PRAGMA user_version");
    version.Step();
    const std::int64_t current = version.Int(0);
    version.Reset();
    if (current == kSchemaVersion) return;
    if (current > kSchemaVersion) {
      throw GalleryError("gallery: schema version " + std::to_string(current) +
                         " is newer than this rtcc understands (" + std::to_string(kSchemaVersion) +
                         ")");
    }
    Transaction tx(db_.get());
    if (current == 0) {
      Statement tables(db_.get(), "SELECT count(*) FROM sqlite_schema");
      tables.Step();
      if (tables.Int(0) != 0) {
        throw GalleryError("gallery: the file is an SQLite database but not an rtcc gallery");
      }
      tables.Reset();
      Exec(db_.get(), kSchema);
    } else {
      Exec(db_.get(), kMigrate1To2);
    }
    Exec(db_.get(), kStateSchema);
    tx.Commit();
  }

  // SQLite's counter of commits made by other connections to this file.
  std::int64_t DataVersion() const {
    Statement version(db_.get(), "PRAGMA data_version");
    version.Step();
    return version.Int(0);
  }

  sidecar::Token ReadToken() const {
    Statement token(db_.get(), "SELECT change_token FROM gallery_state WHERE id = 1");
    sidecar::Token out{};
    if (token.Step()) {
      const auto blob = token.Blob(0);
      std::memcpy(out.data(), blob.data(), std::min(blob.size(), out.size()));
    }
    return out;
  }

  // Everything a search needs, from SQLite, rows in image SHA-256 order, and the snapshot hash
  // (see Gallery::snapshot_hash). The caller holds a read transaction. The faces are read in
  // table order (a sequential scan) and put in place by their SHA-256 rank, taken from the SHA-256
  // index: reading them through that index instead made SQLite jump around the file (3-4x slower
  // for a million faces).
  sidecar::Contents ReadContents(const sidecar::Token& token) const {
    sidecar::Contents c;
    c.dim = kEmbeddingDim;
    c.token = token;
    std::vector<std::pair<std::int64_t, std::uint32_t>> slot;  // (face id, rank by SHA-256)
    {
      Statement order(db_.get(), "SELECT id FROM faces ORDER BY image_sha256");
      while (order.Step()) {
        slot.emplace_back(order.Int(0), static_cast<std::uint32_t>(slot.size()));
      }
    }
    std::sort(slot.begin(), slot.end());
    const std::size_t n = slot.size();
    std::unordered_map<std::string, std::string> names;
    {
      Statement subjects(db_.get(), "SELECT subject_id, name FROM subjects");
      while (subjects.Step()) names.emplace(subjects.Text(0), subjects.Text(1));
    }

    // The text of each face, in table order, in one arena: sha256, subject, path, source, date.
    std::string arena;
    std::vector<std::uint64_t> text(n * 6 + 1, 0);  // offsets into arena, by SHA-256 rank
    c.matrix.resize(n * kEmbeddingDim);
    std::string model;
    std::size_t j = 0;
    Statement rows(db_.get(),
                   "SELECT id, image_sha256, subject_id, image_path, source, source_date, "
                   "model_id, dim, embedding FROM faces ORDER BY id");
    while (rows.Step()) {
      if (j >= n || rows.Int(0) != slot[j].first) {
        throw GalleryError("gallery: " + path_.string() + " changed while it was read");
      }
      const std::uint32_t at = slot[j++].second;
      const std::string_view row_model = rows.TextView(6);
      if (model.empty()) model = std::string(row_model);
      if (row_model != model) {
        throw GalleryError("gallery: " + path_.string() + " mixes embeddings of models " + model +
                           " and " + std::string(row_model) + "; it cannot be searched");
      }
      const std::span<const std::uint8_t> blob = rows.Blob(8);
      if (rows.Int(7) != static_cast<std::int64_t>(kEmbeddingDim) ||
          blob.size() != sizeof(float) * kEmbeddingDim) {
        throw GalleryError("gallery: " + path_.string() + " holds an embedding of " +
                           std::to_string(rows.Int(7)) + " dimensions (" +
                           std::to_string(blob.size()) + " bytes), not " +
                           std::to_string(kEmbeddingDim));
      }
      std::memcpy(c.matrix.data() + std::size_t{at} * kEmbeddingDim, blob.data(), blob.size());
      if (!base::IsSha256Hex(rows.TextView(1))) {
        throw GalleryError("gallery: " + path_.string() + " holds a malformed image SHA-256");
      }
      text[std::size_t{at} * 6] = arena.size();
      for (int column = 1; column <= 5; ++column) {
        arena.append(rows.TextView(column));
        text[std::size_t{at} * 6 + static_cast<std::size_t>(column)] = arena.size();
      }
    }
    if (j != n) throw GalleryError("gallery: " + path_.string() + " changed while it was read");

    // In SHA-256 order: subjects numbered as they first appear, strings, the snapshot hash.
    c.model_id = model;
    c.face_subject.reserve(n);
    c.face_sha256.reserve(n * 32);
    c.face_offsets.reserve(n * 3 + 1);
    std::unordered_map<std::string_view, std::uint32_t> subject_index;
    SnapshotHasher hash(model, kEmbeddingDim, n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto field = [&](int k) {
        const std::uint64_t begin = text[i * 6 + static_cast<std::size_t>(k)];
        return std::string_view(arena).substr(begin, text[i * 6 + k + 1] - begin);
      };
      const std::string_view sha = field(0), subject = field(1);
      for (std::size_t b = 0; b < 32; ++b) {
        c.face_sha256.push_back(
            static_cast<std::uint8_t>(HexDigit(sha[2 * b]) * 16 + HexDigit(sha[2 * b + 1])));
      }
      const auto [it, inserted] =
          subject_index.emplace(subject, static_cast<std::uint32_t>(c.subjects()));
      if (inserted) {
        const auto name = names.find(std::string(subject));
        if (name == names.end()) throw GalleryError("gallery: a face names no subject");
        c.AddSubject(subject, name->second);
      }
      c.face_subject.push_back(it->second);
      c.AddFaceStrings(field(2), field(3), field(4));
      hash.AddFace(sha, subject, {c.matrix.data() + i * kEmbeddingDim, kEmbeddingDim});
    }
    c.snapshot_hash = hash.Hex();
    return c;
  }

  // Loads the snapshot: from the side-car when it is current and intact, else from SQLite (and
  // then writes the side-car). The caller holds db_mutex_.
  void Load() {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto snap = std::make_shared<Snapshot>();
    Transaction read(db_.get(), /*write=*/false);
    const std::int64_t version = DataVersion();
    const sidecar::Token token = ReadToken();
    std::string why;
    std::string steps;
    if (options_.use_sidecar) {
      try {
        auto t = Clock::now();
        snap->bytes = sidecar::Load(sidecar_path_, load_mode_);
        steps = "mapped/read in " + Ms(Clock::now() - t);
        t = Clock::now();
        snap->view = sidecar::Parse(*snap->bytes, pool_);
        steps += ", checked in " + Ms(Clock::now() - t);
        if (snap->view.token != token) {
          why = "it is of an older state of the gallery";
        } else if (snap->view.dim != kEmbeddingDim) {
          why = "its dimension is " + std::to_string(snap->view.dim);
        }
      } catch (const sidecar::SidecarError& e) {
        why = e.what();
      }
    } else {
      why = "side-car not used";
    }
    if (!why.empty()) {
      sidecar::Contents contents = ReadContents(token);
      read.Commit();
      const auto read_done = Clock::now();
      std::string written;
      snap->bytes.reset();
      if (options_.use_sidecar) {
        try {
          sidecar::Write(sidecar_path_, contents);
          contents = sidecar::Contents{};  // free it before mapping the file
          snap->bytes = sidecar::Load(sidecar_path_, load_mode_);
          snap->view = sidecar::Parse(*snap->bytes, pool_);
          written = "side-car written in " + Ms(Clock::now() - read_done);
        } catch (const sidecar::SidecarError& e) {
          snap->bytes.reset();
          written = std::string("side-car not written: ") + e.what();
        }
      }
      if (!snap->bytes) {
        snap->bytes = sidecar::Serialize(contents);
        snap->view = sidecar::Parse(*snap->bytes, pool_);
      }
      snap->load = "read from SQLite in " + Ms(read_done - started) + " (" + why + ")" +
                   (written.empty() ? "" : "; " + written);
    } else {
      read.Commit();
      snap->load = "side-car (" + options_.sidecar_load + "): " + steps;
    }
    const auto t = Clock::now();
    snap->index =
        std::make_unique<SearchIndex>(snap->view.matrix, snap->view.faces, kEmbeddingDim, &pool_);
    snap->load +=
        ", indexed in " + Ms(Clock::now() - t) + "; " + Ms(Clock::now() - started) + " in all";
    {
      std::lock_guard lock(snapshot_mutex_);
      snapshot_ = std::move(snap);
    }
    loaded_version_ = version;
  }

  static std::string Ms(std::chrono::steady_clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
  }

  std::filesystem::path path_;
  std::filesystem::path sidecar_path_;
  GalleryOptions options_;
  sidecar::LoadMode load_mode_;
  mutable WorkerPool pool_;
  Db db_;
  mutable std::mutex db_mutex_;  // the connection and loaded_version_
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::int64_t loaded_version_ = -1;
};

}  // namespace

std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& path,
                                       const GalleryOptions& options) {
  return std::make_unique<SqliteGallery>(path, options);
}

void Gallery::CheckModel(std::string_view probe_model_id) const {
  const std::string mine = model_id();
  if (!mine.empty() && mine != probe_model_id) {
    throw GalleryError("gallery: its faces were embedded with " + mine + ", not " +
                       std::string(probe_model_id) +
                       "; embeddings of different models cannot be compared");
  }
}

}  // namespace rtcc::matcher
