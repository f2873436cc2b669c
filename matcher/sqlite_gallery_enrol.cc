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
#include "matcher/sqlite_gallery.h"
#include "matcher/worker_pool.h"

namespace rtcc::matcher {
namespace {

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

}  // namespace

EnrollReport SqliteGallery::EnrollDirectory(FaceEngine& engine, const std::filesystem::path& dir,
                                            const EnrollOptions& options) {
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

EnrollReport SqliteGallery::EnrollManifest(FaceEngine& engine,
                                           const std::filesystem::path& manifest_file,
                                           const EnrollOptions& options) {
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

EnrollReport SqliteGallery::ImportFaces(const std::vector<FaceRecord>& faces,
                                        std::string_view model_id, const EnrollOptions& options) {
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
  Statements st(db_->handle());
  Transaction tx(*db_);
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

std::string SqliteGallery::SubjectName(Statements& st, const std::string& subject,
                                       const std::string& name, bool* changed) {
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

void SqliteGallery::Insert(Statements& st, const std::string& subject,
                           const std::string& image_path, const std::string& sha256,
                           const std::string& model, const Embedding& embedding, const FaceBox& box,
                           const std::string& source, const std::string& date,
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
      .Bind(13, original_path);
  try {
    st.add_face.Run();
  } catch (const base::SqliteError& e) {
    // The schema's triggers refuse what would mix models or dimensions: the gallery's error.
    st.add_face.Reset();
    throw GalleryError(std::string("gallery: ") + e.what());
  }
}

void SqliteGallery::Enrol(FaceEngine& engine, const std::vector<Item>& items, EnrollReport& report,
                          const std::function<void(std::size_t, std::size_t)>& progress,
                          std::size_t& done, std::size_t total) {
  const std::string model = engine.model_id();
  std::lock_guard lock(db_mutex_);
  Statements st(db_->handle());
  bool changed = false;
  for (const Item& item : items) {
    EnrolOne(engine, model, st, item, report, changed);
    if (progress) progress(++done, total);
  }
  if (changed) Load();
}

void SqliteGallery::EnrolOne(FaceEngine& engine, const std::string& model, Statements& st,
                             const Item& item, EnrollReport& report, bool& changed) {
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
      Transaction tx(*db_);
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
  Transaction tx(*db_);
  const std::string problem = SubjectName(st, item.subject, item.name);
  if (!problem.empty()) {
    report.problems.push_back(item.where + ": " + problem + "; skipped.");
    return;  // rolled back
  }
  Insert(st, item.subject, Absolute(item.file), sha256, model, face.embedding, face.box,
         item.source, item.date, item.original_path);
  const bool inserted = db_->Changes() == 1;
  tx.Commit();
  changed = true;
  if (inserted) {
    ++report.faces_enrolled;
  } else {
    ++report.already_enrolled;  // enrolled meanwhile by another process
  }
}

}  // namespace rtcc::matcher
