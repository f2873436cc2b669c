// FaceEngine: decode a probe image, find every face in it, align each face and compute its
// embedding. Knows nothing of requests, mail or the workflow (DESIGN.md: matcher/ depends on
// nothing).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtcc::matcher {

inline constexpr std::size_t kEmbeddingDim = 128;
using Embedding = std::array<float, kEmbeddingDim>;

// A model file is missing or corrupt. what() names the file and says how to obtain it.
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The bytes are not an image this engine can decode (or are refused, e.g. too large).
// what() is a sentence fit to show an investigator.
class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Detector { kHog, kYuNet };

// Where scripts/fetch-models.sh puts dlib's models: $RTCC_MODEL_DIR if set, else
// $XDG_CACHE_HOME/rtcc/models, else $HOME/.cache/rtcc/models (the same rule as the script).
std::filesystem::path DefaultModelDir();

struct EngineOptions {
  // Folder holding dlib's models (scripts/fetch-models.sh puts them in ~/.cache/rtcc/models).
  // Empty: DefaultModelDir().
  std::filesystem::path model_dir;
  Detector detector = Detector::kHog;
  // ONNX file for Detector::kYuNet (../shared/models/yunet/face_detection_yunet_2022mar.onnx).
  std::filesystem::path yunet_model;
  // YuNet's score threshold (0..1). 0.6 is the value of ../shared/models/MANIFEST.md; on the shared
  // photos it also lets through non-faces on large portraits (scores 0.62-0.83), which 0.9 removes,
  // but 0.9 misses faces that fill the frame on the first pass (found again on the padded retry).
  float yunet_score_threshold = 0.6f;
  // Images whose header declares more pixels than this are refused (ImageError) before decoding.
  std::size_t max_pixels = 50'000'000;
};

struct FaceBox {
  int x = 0, y = 0, width = 0, height = 0;  // in pixels of the decoded image
  double detector_score = 0;                // detector confidence (HOG: SVM score, YuNet: 0..1)
};

struct DetectedFace {
  FaceBox box;
  Embedding embedding{};  // unit-free dlib ResNet descriptor; compare with Distance()
};

class FaceEngine {
 public:
  // Loads the models named by `options`. Throws ModelError naming the missing or unreadable file
  // and how to get it (run scripts/fetch-models.sh, or where to put the YuNet file). Each file's
  // sha256 is checked against ../shared/models/MANIFEST.md first (~20 ms): an altered model would
  // give embeddings that silently disagree with the gallery's. Takes ~0.5 s in all.
  static std::unique_ptr<FaceEngine> Load(const EngineOptions& options);

  virtual ~FaceEngine() = default;

  // Decodes `image_bytes` (JPEG, PNG or WebP; EXIF orientation applied) and returns every face
  // found, each aligned (5-point landmarks) and embedded, highest detector score first. An image
  // with no face gives an empty vector. Throws ImageError when the bytes are not a decodable image
  // or declare more than EngineOptions::max_pixels. Not thread-safe: one engine per thread.
  virtual std::vector<DetectedFace> Analyze(std::span<const std::uint8_t> image_bytes) = 0;

  // Identifies the embedding model, e.g. "dlib_face_recognition_resnet_model_v1"; stored with
  // every embedding and every search so a search can be reproduced.
  virtual std::string model_id() const = 0;
};

// Euclidean distance between two embeddings (dlib's metric: same person when < ~0.6).
float Distance(const Embedding& a, const Embedding& b);

}  // namespace rtcc::matcher
