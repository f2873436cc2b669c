#include "matcher/gallery.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "matcher/sha256.h"

namespace rtcc::matcher {
namespace {

static_assert(std::endian::native == std::endian::little,
              "embeddings are stored as little-endian float32 blobs");
static_assert(std::numeric_limits<float>::is_iec559);

constexpr int kSchemaVersion = 1;

constexpr char kSchema[] = R"sql(
CREATE TABLE subjects(
  subject_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
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
  enrolled_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX faces_subject ON faces(subject_id);
PRAGMA user_version = 1;
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

  std::string Text(int column) const {
    const auto* p = sqlite3_column_text(stmt_.get(), column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)))
             : std::string();
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

// BEGIN IMMEDIATE .. COMMIT; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { Exec(db_, "BEGIN IMMEDIATE"); }
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
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

class SqliteGallery final : public Gallery {
 public:
  explicit SqliteGallery(const std::filesystem::path& path) : path_(path) {
    CreatePrivateFile(path);
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
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
    Load();
  }

  EnrollReport EnrollDirectory(FaceEngine& engine, const std::filesystem::path& dir) override {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      throw GalleryError("gallery: " + dir.string() + " is not a folder");
    }
    CheckModel(engine.model_id());
    const std::string model = engine.model_id();

    EnrollReport report;
    const auto is_dir = [](const std::filesystem::directory_entry& e) { return e.is_directory(); };
    const auto is_image = [](const std::filesystem::directory_entry& e) {
      return !e.is_directory() && IsImageName(e.path());
    };
    for (const auto& stray : SortedEntries(dir, is_image)) {
      ++report.images_seen;
      report.problems.push_back(stray.string() +
                                ": not in a subject folder (one folder per subject); skipped.");
    }

    Statement find(db_.get(), "SELECT subject_id, image_path FROM faces WHERE image_sha256 = ?");
    Statement add_subject(db_.get(), "INSERT OR IGNORE INTO subjects(subject_id) VALUES (?)");
    Statement add_face(db_.get(),
                       "INSERT INTO faces(subject_id, image_path, image_sha256, model_id, dim, "
                       "embedding, box_x, box_y, box_width, box_height) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(image_sha256) DO NOTHING");
    bool added = false;
    for (const auto& subject_dir : SortedEntries(dir, is_dir)) {
      const std::string subject = subject_dir.filename().string();
      for (const auto& file : SortedEntries(subject_dir, is_image)) {
        ++report.images_seen;
        const std::optional<std::vector<std::uint8_t>> bytes = ReadFile(file);
        if (!bytes) {
          report.problems.push_back(file.string() + ": cannot be read; skipped.");
          continue;
        }
        const std::string sha256 = Sha256Hex(*bytes);
        find.Bind(1, sha256);
        if (find.Step()) {
          const std::string other_subject = find.Text(0);
          const std::string other_path = find.Text(1);
          find.Run();
          if (other_subject == subject) {
            ++report.already_enrolled;
          } else {
            report.problems.push_back(file.string() + ": the same image as " + other_path +
                                      ", enrolled for subject " + other_subject + "; skipped.");
          }
          continue;
        }
        find.Run();

        std::vector<DetectedFace> faces;
        try {
          faces = engine.Analyze(*bytes);
        } catch (const ImageError& e) {
          report.problems.push_back(file.string() + ": " + e.what() + " Skipped.");
          continue;
        }
        if (faces.size() != 1) {
          report.problems.push_back(file.string() + ": " +
                                    (faces.empty()
                                         ? std::string("no face found")
                                         : std::to_string(faces.size()) + " faces found") +
                                    "; a gallery image must show exactly one face. Skipped.");
          continue;
        }
        const DetectedFace& face = faces.front();
        const std::string image_path =
            std::filesystem::absolute(file, ec).lexically_normal().string();
        Transaction tx(db_.get());
        add_subject.Bind(1, subject).Run();
        add_face.Bind(1, subject)
            .Bind(2, image_path.empty() ? file.string() : image_path)
            .Bind(3, sha256)
            .Bind(4, model)
            .Bind(5, static_cast<std::int64_t>(kEmbeddingDim))
            .BindBlob(6, face.embedding.data(), sizeof(float) * kEmbeddingDim)
            .Bind(7, std::int64_t{face.box.x})
            .Bind(8, std::int64_t{face.box.y})
            .Bind(9, std::int64_t{face.box.width})
            .Bind(10, std::int64_t{face.box.height})
            .Run();
        const bool inserted = sqlite3_changes(db_.get()) == 1;
        tx.Commit();
        if (inserted) {
          ++report.faces_enrolled;
          added = true;
        } else {
          ++report.already_enrolled;  // enrolled meanwhile by another process
        }
      }
    }
    if (added) Load();
    return report;
  }

  std::vector<Candidate> Search(const Embedding& probe, float threshold) const override {
    std::vector<Candidate> result;
    if (!(threshold > 0)) return result;
    // Squared distances against a slightly larger bound, then the exact test on the distance.
    const float bound = threshold * threshold * (1 + 1e-5f);
    std::vector<std::pair<float, std::size_t>> hits;  // (distance, row)
    const std::size_t rows = image_refs_.size();
    const float* row = embeddings_.data();
    for (std::size_t i = 0; i < rows; ++i, row += kEmbeddingDim) {
      float sum = 0;
#pragma omp simd reduction(+ : sum)
      for (std::size_t k = 0; k < kEmbeddingDim; ++k) {
        const float d = row[k] - probe[k];
        sum += d * d;
      }
      if (sum < bound) {
        const float distance = std::sqrt(sum);
        if (distance < threshold) hits.emplace_back(distance, i);
      }
    }
    // Nearest face per subject.
    std::sort(hits.begin(), hits.end());
    std::unordered_map<std::uint32_t, bool> seen;
    for (const auto& [distance, i] : hits) {
      if (!seen.emplace(subject_of_row_[i], true).second) continue;
      Candidate c;
      c.subject_id = subjects_[subject_of_row_[i]];
      c.image_ref = image_refs_[i];
      c.distance = distance;
      result.push_back(std::move(c));
    }
    std::stable_sort(result.begin(), result.end(), [](const Candidate& a, const Candidate& b) {
      return a.distance < b.distance || (a.distance == b.distance && a.subject_id < b.subject_id);
    });
    for (std::size_t r = 0; r < result.size(); ++r) result[r].rank = static_cast<int>(r + 1);
    return result;
  }

  std::string model_id() const override { return model_id_; }
  std::size_t face_count() const override { return image_refs_.size(); }
  std::size_t subject_count() const override { return subjects_.size(); }

 private:
  void Migrate() {
    Statement version(db_.get(), "PRAGMA user_version");
    version.Step();
    const std::int64_t current = version.Int(0);
    version.Run();
    if (current == kSchemaVersion) return;
    if (current > kSchemaVersion) {
      throw GalleryError("gallery: schema version " + std::to_string(current) +
                         " is newer than this rtcc understands (" + std::to_string(kSchemaVersion) +
                         ")");
    }
    Transaction tx(db_.get());
    Statement tables(db_.get(), "SELECT count(*) FROM sqlite_schema");
    tables.Step();
    if (tables.Int(0) != 0) {
      throw GalleryError("gallery: the file is an SQLite database but not an rtcc gallery");
    }
    tables.Run();
    Exec(db_.get(), kSchema);
    tx.Commit();
  }

  bool Refresh() override {
    if (DataVersion() == loaded_version_) return false;
    Load();
    return true;
  }

  // SQLite's counter of commits made by other connections to this file.
  std::int64_t DataVersion() const {
    Statement version(db_.get(), "PRAGMA data_version");
    version.Step();
    return version.Int(0);
  }

  // Reads every embedding into one contiguous array (row i at embeddings_[i * kEmbeddingDim]).
  void Load() {
    const std::int64_t version = DataVersion();
    std::vector<float> embeddings;
    std::vector<std::string> image_refs;
    std::vector<std::uint32_t> subject_of_row;
    std::vector<std::string> subjects;
    std::unordered_map<std::string, std::uint32_t> subject_index;
    std::string model;

    Statement count(db_.get(), "SELECT count(*) FROM faces");
    count.Step();
    const auto n = static_cast<std::size_t>(count.Int(0));
    embeddings.reserve(n * kEmbeddingDim);
    image_refs.reserve(n);
    subject_of_row.reserve(n);

    Statement rows(
        db_.get(),
        "SELECT subject_id, image_path, model_id, dim, embedding FROM faces ORDER BY id");
    while (rows.Step()) {
      const std::string row_model = rows.Text(2);
      if (model.empty()) model = row_model;
      if (row_model != model) {
        throw GalleryError("gallery: " + path_.string() + " mixes embeddings of models " + model +
                           " and " + row_model + "; it cannot be searched");
      }
      const std::span<const std::uint8_t> blob = rows.Blob(4);
      if (rows.Int(3) != static_cast<std::int64_t>(kEmbeddingDim) ||
          blob.size() != sizeof(float) * kEmbeddingDim) {
        throw GalleryError("gallery: " + path_.string() + " holds an embedding of " +
                           std::to_string(rows.Int(3)) + " dimensions (" +
                           std::to_string(blob.size()) + " bytes), not " +
                           std::to_string(kEmbeddingDim));
      }
      const std::size_t at = embeddings.size();
      embeddings.resize(at + kEmbeddingDim);
      std::memcpy(embeddings.data() + at, blob.data(), blob.size());
      std::string subject = rows.Text(0);
      const auto [it, inserted] =
          subject_index.emplace(subject, static_cast<std::uint32_t>(subjects.size()));
      if (inserted) subjects.push_back(std::move(subject));
      subject_of_row.push_back(it->second);
      image_refs.push_back(rows.Text(1));
    }
    embeddings_ = std::move(embeddings);
    image_refs_ = std::move(image_refs);
    subject_of_row_ = std::move(subject_of_row);
    subjects_ = std::move(subjects);
    model_id_ = std::move(model);
    loaded_version_ = version;
  }

  std::filesystem::path path_;
  Db db_;
  std::string model_id_;
  std::vector<float> embeddings_;
  std::vector<std::string> image_refs_;
  std::vector<std::uint32_t> subject_of_row_;  // index into subjects_
  std::vector<std::string> subjects_;
  std::int64_t loaded_version_ = -1;
};

}  // namespace

std::unique_ptr<Gallery> Gallery::Open(const std::filesystem::path& path) {
  return std::make_unique<SqliteGallery>(path);
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
