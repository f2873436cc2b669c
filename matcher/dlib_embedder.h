// dlib's two networks behind small interfaces, so that dlib/dnn.h (very slow to compile) is
// included by dlib_embedder.cc alone: the ResNet face embedder and the MMOD CNN face detector.
// Internal to matcher/.
#pragma once

#include <dlib/geometry/rectangle.h>
#include <dlib/matrix.h>
#include <dlib/pixel.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "matcher/face_engine.h"

namespace rtcc::matcher {

class DlibEmbedder {
 public:
  // Deserializes dlib_face_recognition_resnet_model_v1.dat. Throws what dlib throws
  // (dlib::serialization_error for an unreadable or corrupt file); FaceEngine turns it into
  // ModelError.
  explicit DlibEmbedder(const std::filesystem::path& model_file);
  ~DlibEmbedder();
  DlibEmbedder(const DlibEmbedder&) = delete;
  DlibEmbedder& operator=(const DlibEmbedder&) = delete;

  // One descriptor per 150x150 aligned chip, all chips in one batch. With `flip`, each chip's
  // descriptor is the mean of its own and its mirror image's; with `jitter` > 0, also of that many
  // copies from dlib::jitter_image (shifted, scaled, turned by up to 3 degrees and mirrored at
  // random, as dlib's dnn_face_recognition_ex.cpp does with 100). The jitter's random generator
  // starts from the same seed for every chip, so the same chip always gives the same descriptor.
  std::vector<Embedding> Embed(const std::vector<dlib::matrix<dlib::rgb_pixel>>& chips,
                               int jitter = 0, bool flip = false);

 private:
  struct Net;
  std::unique_ptr<Net> net_;
};

struct MmodDetection {
  dlib::rectangle rect;  // in pixels of the image given to Detect
  double score = 0;      // the network's detection confidence (found when > 0)
};

// dlib's CNN face detector (mmod_human_face_detector.dat, the network of dlib's
// dnn_mmod_face_detection_ex.cpp). Finds faces of about 40 px and more, turned further and in
// harder light than the HOG detector does; ~10x slower on a CPU.
class DlibMmodDetector {
 public:
  explicit DlibMmodDetector(const std::filesystem::path& model_file);
  ~DlibMmodDetector();
  DlibMmodDetector(const DlibMmodDetector&) = delete;
  DlibMmodDetector& operator=(const DlibMmodDetector&) = delete;

  std::vector<MmodDetection> Detect(const dlib::matrix<dlib::rgb_pixel>& image);

 private:
  struct Net;
  std::unique_ptr<Net> net_;
};

}  // namespace rtcc::matcher
