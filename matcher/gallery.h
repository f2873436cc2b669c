// Gallery: the enrolled faces of known subjects, stored in a SQLite file of its own, and exact
// nearest-neighbour search over them. Knows nothing of requests or the workflow.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "matcher/face_engine.h"

namespace rtcc::matcher {

struct Candidate {
  int rank = 0;            // 1 = nearest
  std::string subject_id;  // the enrolment folder name (or manifest id)
  std::string image_ref;   // the gallery image the distance was measured to
  float distance = 0;      // Euclidean distance to the probe face
};

struct EnrollReport {
  int images_seen = 0;
  int faces_enrolled = 0;
  int already_enrolled = 0;  // same image (by sha256) enrolled before: skipped
  std::vector<std::string>
      problems;  // one sentence per image skipped (no face, 2+ faces, unreadable)
};

// The gallery file cannot be opened, is not an rtcc gallery (or is from a newer rtcc), or a write
// failed; also a probe or an engine whose model differs from the gallery's (see CheckModel).
class GalleryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Gallery {
 public:
  // Opens (creating if needed) the gallery database at `path`, mode 0600. Throws GalleryError.
  // The folder must exist. All embeddings are read into memory here.
  static std::unique_ptr<Gallery> Open(const std::filesystem::path& path);
  virtual ~Gallery() = default;

  // Enrols `dir`: one sub-folder per subject, the folder name is the subject id; every image in it
  // with exactly one face is enrolled. Idempotent: an image already enrolled is skipped.
  // Images are *.jpg, *.jpeg, *.png (any case), by file name order; an image is identified by the
  // SHA-256 of its bytes. Throws GalleryError when `dir` is not a folder, when `engine`'s model_id
  // differs from the gallery's, or when the database cannot be written.
  virtual EnrollReport EnrollDirectory(FaceEngine& engine, const std::filesystem::path& dir) = 0;

  // Every enrolled face within `threshold` of `probe`, nearest first, ranks 1..n; at most one
  // entry per subject (its nearest face). Exact search: nothing within the threshold is left out.
  // An empty result means "no candidate within the threshold" — the nearest face is never forced
  // in. "Within" is strict (distance < threshold, dlib's convention): threshold 0 never matches.
  // The probe must come from an engine of this gallery's model_id(): call CheckModel first.
  // Safe to call from several threads at once (not while EnrollDirectory runs).
  virtual std::vector<Candidate> Search(const Embedding& probe, float threshold) const = 0;

  // Re-reads the embeddings if another process (e.g. rtccctl gallery enroll) changed the gallery
  // since they were read; returns true when it did. Cheap when nothing changed.
  virtual bool Refresh() = 0;

  // The model every enrolled embedding was computed with; "" while the gallery is empty.
  virtual std::string model_id() const = 0;

  // Throws GalleryError unless embeddings of `probe_model_id` may be searched here (the gallery is
  // empty or holds embeddings of that same model).
  void CheckModel(std::string_view probe_model_id) const;

  virtual std::size_t face_count() const = 0;
  virtual std::size_t subject_count() const = 0;
};

}  // namespace rtcc::matcher
