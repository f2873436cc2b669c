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

// kHog: dlib's HOG detector (built into dlib; no model file). kYuNet: OpenCV's YuNet (its ONNX file
// must be configured). kMmod: dlib's CNN detector (mmod_human_face_detector.dat, fetched with the
// other dlib models): finds faces HOG misses (turned further, partly hidden, harder light) at about
// ten times HOG's time on a CPU; an opt-in for hard probes.
enum class Detector { kHog, kYuNet, kMmod };

// "hog", "yunet", "mmod".
const char* DetectorName(Detector detector);

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
  // Each face's embedding is the mean of the descriptors of its aligned chip and of its mirror
  // image (flip), and of `jitter` randomly shifted/scaled/turned copies (dlib's jitter_image; the
  // same copies for the same chip every time). Each copy is one more pass of the network (~12 ms
  // per face on this project's machine). Measured on LFW (../shared/faces/lfw-dev, 5 folds, 3000
  // pairs, HOG, without the MMOD fallback; k-fold accuracy / TAR at FAR 0.1 %): plain 98.03 % /
  // 92.9 %; flip 98.30 % / 95.5 %; plain + jitter 1, 2, 4, 8, 16: 98.40, 98.43, 98.40, 98.30,
  // 98.33 %; flip + jitter 1-16: 98.30-98.43 % / 94.5-95.7 %. Flip is worth its one extra pass;
  // jitter adds nothing measurable over it for 1-16 extra passes, so it is off by default.
  bool flip = true;
  int jitter = 0;
  // When the configured detector (HOG or YuNet) finds no face at all, dlib's CNN detector (MMOD,
  // mmod_human_face_detector.dat) looks again: seconds per megapixel, spent only on images where
  // nothing was found. On ../shared/faces/lfw-dev it found the face in 14 of 3,811 images where
  // HOG found none (whose pairs would otherwise count as errors); with it, HOG + flip reaches
  // 99.00 % k-fold (README "Performance").
  bool mmod_fallback = true;
};

struct FaceBox {
  int x = 0, y = 0, width = 0, height = 0;  // in pixels of the decoded (upright) image
  double detector_score = 0;  // detector confidence (HOG: SVM score, YuNet: 0..1, MMOD: CNN score)
};

struct Point {
  double x = 0, y = 0;  // in pixels of the decoded (upright) image
};

enum class QualityGrade { kGood, kFair, kPoor };

// "good", "fair", "poor".
const char* GradeName(QualityGrade grade);

// How much a face can be trusted for a comparison (policy 4.3.4.1: the investigator shall take the
// quality of the probe photograph into consideration). Thresholds and the measurements behind them
// are in matcher/probe_quality.cc.
struct FaceQuality {
  QualityGrade grade = QualityGrade::kGood;
  // Why the grade is not "good", one plain sentence each (e.g. "The eyes are 18 px apart (under
  // 30 px): too small for a reliable comparison."). Empty when good.
  std::vector<std::string> reasons;
  double inter_eye_px = 0;    // distance between the eye centres, in pixels of the probe
  double sharpness = 0;       // variance of the Laplacian over the variance of the luminance on the
                              // aligned face (scale- and exposure-independent; higher is sharper)
  double brightness = 0;      // mean luminance of the face, 0-255
  double contrast = 0;        // standard deviation of the luminance of the face, 0-255
  double yaw_deg = 0;         // head turned left/right, estimated from the landmarks (0 = frontal;
                              // positive: the nose points to the image's right)
  double roll_deg = 0;        // head tilt: angle of the eye line (positive: clockwise in the image)
  double detector_score = 0;  // as FaceBox::detector_score
  double outside_image = 0;   // fraction of the detector's box beyond the image's edges (0-1):
                              // a face cut by the edge of the photo
};

// What the image file says about itself, and signs that it is not a camera original.
struct ImageFacts {
  std::string format;         // "JPEG", "PNG", "WebP", "TIFF", "BMP", "HEIC", "HEIF" or "AVIF"
  int width = 0, height = 0;  // as searched: upright, after the orientation
  int orientation = 0;        // the EXIF orientation tag (1-8); 0 when the file has none
  bool has_exif = false;
  std::string software;      // EXIF Software (the program that last saved it)
  std::string camera_make;   // EXIF Make
  std::string camera_model;  // EXIF Model
  std::string taken_at;      // EXIF DateTimeOriginal as written ("2024:03:01 14:22:05")
  // An image editor saved it (EXIF Software, XMP CreatorTool) or its XMP edit history says it
  // was edited. Lowers each face's grade to at most "fair".
  bool edited = false;
  // Plain sentences, e.g. "The image was saved by Adobe Photoshop 25.0 (EXIF Software), an image
  // editor: it may have been altered.", and signs that it is not a camera's original file (no
  // EXIF on a JPEG/HEIC, no camera make/model, a PNG/BMP/WebP), which do not lower the grade:
  // most photos forwarded by phone or messaging apps lose their EXIF. Empty when none.
  std::vector<std::string> edit_signs;
};

struct DetectedFace {
  FaceBox box;
  Detector detector = Detector::kHog;  // the detector that found it
  // dlib's 5 landmarks: [0] [1] the outer and inner corner of the eye on the image's right,
  // [2] [3] the outer and inner corner of the eye on the image's left, [4] the base of the nose.
  std::array<Point, 5> landmarks{};
  Embedding embedding{};  // unit-free dlib ResNet descriptor; compare with Distance()
  // The face as it is in the probe, for the investigator to see which face was searched: the
  // detector's box grown by half its size on each side (hair, ears, chin), clipped to the image,
  // never enlarged, shrunk to at most 320 px on its longer side; JPEG. Empty from engines that do
  // not make crops.
  std::vector<std::uint8_t> crop_jpeg;
  FaceQuality quality;
};

// Wall-clock milliseconds of each step of one AnalyzeProbe call (all faces together).
struct StageTimes {
  double decode_ms = 0;   // header check, metadata, decoding, orientation
  double detect_ms = 0;   // face detection (with the padded retry when the first pass finds none)
  double align_ms = 0;    // landmarks and aligned chips
  double embed_ms = 0;    // the ResNet (times 2 with flip, plus jitter copies)
  double quality_ms = 0;  // quality measures and crops
};

struct ProbeAnalysis {
  ImageFacts image;
  std::vector<DetectedFace> faces;  // highest detector score first; empty when there is no face
  StageTimes times;
};

class FaceEngine {
 public:
  // Loads the models named by `options`. Throws ModelError naming the missing or unreadable file
  // and how to get it (run scripts/fetch-models.sh, or where to put the YuNet file). Each file's
  // sha256 is checked against ../shared/models/MANIFEST.md first (~20 ms): an altered model would
  // give embeddings that silently disagree with the gallery's. Takes ~0.5 s in all.
  static std::unique_ptr<FaceEngine> Load(const EngineOptions& options);

  virtual ~FaceEngine() = default;

  // Decodes `image_bytes` (JPEG, PNG, WebP, TIFF, BMP, HEIC/HEIF, AVIF; turned upright by its EXIF
  // orientation or HEIF transforms), reads what the file says about itself, finds every face, and
  // for each: its landmarks, aligned embedding, crop and quality. Throws ImageError (a sentence fit
  // for an investigator) when the bytes are not a decodable image or declare more than
  // EngineOptions::max_pixels (checked on the header, before decoding). Not thread-safe: one
  // engine per thread. The default implementation (for test doubles) wraps Analyze().
  virtual ProbeAnalysis AnalyzeProbe(std::span<const std::uint8_t> image_bytes);

  // AnalyzeProbe(image_bytes).faces (the real engine); what gallery enrolment uses.
  virtual std::vector<DetectedFace> Analyze(std::span<const std::uint8_t> image_bytes) = 0;

  // Identifies the embedding model, e.g. "dlib_face_recognition_resnet_model_v1"; stored with
  // every embedding and every search so a search can be reproduced.
  virtual std::string model_id() const = 0;

  // The settings that shape the embeddings and detections besides the model, e.g.
  // "detector=hog flip=1 jitter=0", for the search log (the same model with other settings gives
  // slightly different embeddings). Empty from test doubles.
  virtual std::string settings() const { return ""; }
};

// Euclidean distance between two embeddings (dlib's metric: same person when < ~0.6).
float Distance(const Embedding& a, const Embedding& b);

}  // namespace rtcc::matcher
