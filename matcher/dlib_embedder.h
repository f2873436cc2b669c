// The dlib ResNet face embedder behind a small interface, so that dlib/dnn.h (very slow to compile)
// is included by dlib_embedder.cc alone. Internal to matcher/.
#pragma once

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

  // One descriptor per 150x150 aligned chip, computed in one batch.
  std::vector<Embedding> Embed(const std::vector<dlib::matrix<dlib::rgb_pixel>>& chips);

 private:
  struct Net;
  std::unique_ptr<Net> net_;
};

}  // namespace rtcc::matcher
