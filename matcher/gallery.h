// Gallery: the enrolled faces of known subjects, stored in a SQLite file of its own, and exact
// nearest-neighbour search over them. Knows nothing of requests or the workflow.
//
// Storage: the SQLite file is the record (faces with their embedding, model id and dimension, and
// their provenance). Next to it, "<file>-matrix" (matcher/gallery_sidecar.h) holds what a search
// needs in one block that loads in well under a second for a million faces; it names the SQLite
// change token it was built from, every chunk of it is hash-checked on load, and it is rebuilt
// from SQLite whenever it is missing, stale or damaged (never trusted blindly).
//
// Search is exact (matcher/search_index.h): every face within the threshold is found, with the
// distance a brute-force scan computes. Each search names the model and the gallery snapshot it
// ran against (policy 4.5.3.3, 4.5.3.4: a logged search can be reproduced and a re-search told
// apart from it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "matcher/face_engine.h"

namespace rtcc::matcher {

struct Candidate {
  int rank = 0;              // 1 = nearest
  std::string subject_id;    // the enrolment folder name (or manifest id)
  std::string image_ref;     // the gallery image the distance was measured to (absolute path)
  float distance = 0;        // Euclidean distance to the probe face
  std::string subject_name;  // from the manifest; "" when none was given
  std::string image_sha256;  // the gallery image's SHA-256 (hex): names it wherever it moves
  std::string source;        // provenance of the gallery image (manifest "source", or the folder)
  std::string source_date;   // the image's date from the manifest (YYYY-MM-DD), or ""
};

// A search and what is needed to reproduce it.
struct SearchResult {
  std::vector<Candidate> candidates;  // nearest first; at most one per subject
  std::string model_id;               // the model of every embedding compared
  std::string snapshot_hash;          // the gallery as searched (see Gallery::snapshot_hash)
  std::size_t faces_compared = 0;     // every enrolled face (the search is exhaustive)
  std::size_t subjects = 0;           // subjects in the gallery
  float threshold = 0;                // SearchWithin: candidates are strictly nearer than this
  std::size_t k = 0;                  // TopK: the k asked for (0 for SearchWithin)
  std::string kernel;                 // the scan kernel that ran, e.g. "int8-avx512vnni"
};

struct EnrollReport {
  int images_seen = 0;
  int faces_enrolled = 0;
  int already_enrolled = 0;           // same image (by sha256) enrolled before: skipped
  std::vector<std::string> problems;  // one sentence per image or manifest row skipped (no face, 2+
                                      // faces, unreadable, bad row...)
};

struct EnrollOptions {
  // Provenance recorded with every face enrolled: for a folder, default "folder <absolute path>";
  // a manifest row's own source wins over this (default: the manifest's file name).
  std::string source;
  // Called with (0, total) first, then after each image (done = 1, 2, ... total), on the calling
  // thread; total is the number of images (or manifest rows) to look at.
  std::function<void(std::size_t done, std::size_t total)> progress;
};

// A face whose embedding was computed elsewhere (Gallery::ImportFaces: tests, benchmarks,
// migrations).
struct FaceRecord {
  std::string subject_id;
  std::string subject_name;
  std::string image_sha256;  // 64 lowercase hex digits
  std::string image_path;
  std::string source;
  std::string source_date;  // "" or YYYY-MM-DD
  Embedding embedding{};
  FaceBox box;
};

struct GalleryStats {
  std::size_t subjects = 0;
  std::size_t faces = 0;
  std::string model_id;  // "" while empty
  std::size_t dim = 0;   // embedding dimension (0 while empty)
  std::vector<std::pair<std::string, std::size_t>> faces_per_source;  // by source name
  std::string last_enrolled_at;       // ISO 8601 UTC of the newest face, "" while empty
  std::uintmax_t database_bytes = 0;  // the SQLite file and its -wal
  std::uintmax_t sidecar_bytes = 0;   // the -matrix side-car (0 when absent)
  std::string snapshot_hash;          // of the loaded snapshot
  std::string load;                   // how the snapshot was loaded, and how long it took
};

// The gallery file cannot be opened, is not an rtcc gallery (or is from a newer rtcc), or a write
// failed; also a probe or an engine whose model differs from the gallery's (see CheckModel).
class GalleryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GalleryOptions {
  // Threads one search may use (0: every hardware thread). rtcc's own threads, sleeping between
  // searches (no OpenMP runtime: see ../shared/notes/search-performance.md).
  unsigned search_threads = 0;
  // Use the side-car file: load from it when it is current, write it after loading from SQLite.
  // false: always load from SQLite (benchmarks).
  bool use_sidecar = true;
  // How the side-car is brought into memory: "mmap" (default), "mmap-populate" or "read".
  std::string sidecar_load = "mmap";
};

class Gallery {
 public:
  // Opens (creating if needed) the gallery database at `path`, mode 0600, and loads its snapshot.
  // Throws GalleryError. The folder must exist. An rtcc gallery of schema 1 is upgraded.
  static std::unique_ptr<Gallery> Open(const std::filesystem::path& path,
                                       const GalleryOptions& options = {});
  virtual ~Gallery() = default;

  // Enrols `dir`: one sub-folder per subject, the folder name is the subject id; every image in it
  // with exactly one face is enrolled. Idempotent: an image already enrolled is skipped.
  // Images are *.jpg, *.jpeg, *.png (any case), by file name order; an image is identified by the
  // SHA-256 of its bytes. Throws GalleryError when `dir` is not a folder, when `engine`'s model_id
  // differs from the gallery's, or when the database cannot be written.
  virtual EnrollReport EnrollDirectory(FaceEngine& engine, const std::filesystem::path& dir,
                                       const EnrollOptions& options = {}) = 0;

  // Enrols the images a CSV manifest lists (matcher/gallery_manifest.h: header line, then subject
  // id, name, image path relative to the manifest's folder, source, date), keeping that
  // provenance. A bad row, an unreadable image, an image without exactly one face, an image
  // enrolled for another subject, or a subject id already enrolled under another name is a
  // problem line naming the row, and the other rows go on. Idempotent like EnrollDirectory.
  // Throws GalleryError when the manifest cannot be read or its header does not name the columns.
  virtual EnrollReport EnrollManifest(FaceEngine& engine, const std::filesystem::path& manifest,
                                      const EnrollOptions& options = {}) = 0;

  // Adds faces whose embeddings were computed elsewhere by model `model_id`, in one transaction;
  // as idempotent as enrolment. Throws GalleryError (another model than the gallery's, a malformed
  // sha256).
  virtual EnrollReport ImportFaces(const std::vector<FaceRecord>& faces, std::string_view model_id,
                                   const EnrollOptions& options = {}) = 0;

  // Removes the subject and all of its faces; returns how many faces were removed (0: no such
  // subject). The snapshot changes (a new snapshot_hash).
  virtual std::size_t RemoveSubject(std::string_view subject_id) = 0;

  // Every enrolled face within `threshold` of `probe`, nearest first, ranks 1..n; at most one
  // entry per subject (its nearest face). Exact search: nothing within the threshold is left out.
  // An empty result means "no candidate within the threshold" — the nearest face is never forced
  // in. "Within" is strict (distance < threshold, dlib's convention): threshold 0 never matches.
  // The probe must come from an engine of this gallery's model_id(): call CheckModel first.
  // Safe to call from several threads at once, also while another thread enrols or refreshes
  // (each search runs against the snapshot loaded when it started).
  virtual SearchResult SearchWithin(const Embedding& probe, float threshold) const = 0;

  // SearchWithin(probe, threshold).candidates.
  std::vector<Candidate> Search(const Embedding& probe, float threshold) const {
    return SearchWithin(probe, threshold).candidates;
  }

  // The k subjects whose nearest face is nearest to `probe` (fewer when the gallery has fewer),
  // nearest first, whatever their distance: for an analyst who asks for the k nearest; the
  // investigator's results come from SearchWithin. Exact, like SearchWithin.
  virtual SearchResult TopK(const Embedding& probe, std::size_t k) const = 0;

  // Re-reads the snapshot if another process (e.g. rtccctl gallery enroll) changed the gallery
  // since it was read; returns true when it did. Cheap when nothing changed.
  virtual bool Refresh() = 0;

  // The model every enrolled embedding was computed with; "" while the gallery is empty.
  virtual std::string model_id() const = 0;

  // SHA-256 (hex) identifying the loaded snapshot: of the model id, the dimension, and, in image
  // SHA-256 order, each face's image SHA-256, subject id and embedding bytes. The same enrolled set
  // gives the same hash (whatever the order of enrolment, after reopening, on another machine with
  // the same embeddings); any enrolment or removal gives another.
  virtual std::string snapshot_hash() const = 0;

  // Counts and provenance summary, from the database as it is now (and the loaded snapshot's
  // hash).
  virtual GalleryStats Stats() const = 0;

  // Throws GalleryError unless embeddings of `probe_model_id` may be searched here (the gallery is
  // empty or holds embeddings of that same model).
  void CheckModel(std::string_view probe_model_id) const;

  virtual std::size_t face_count() const = 0;
  virtual std::size_t subject_count() const = 0;
};

}  // namespace rtcc::matcher
