#include "matcher/probe_quality.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <opencv2/imgproc.hpp>
#include <string>
#include <string_view>

#include "base/strings.h"

namespace rtcc::matcher {
namespace {

// The face inside the 150x150 aligned chip (padding 0.25: dlib's mean face spans pixels 25-125).
const cv::Rect kFaceInChip(30, 30, 90, 90);

// Yaw from the 5 landmarks: the nose base sits in front of the eyes by about half the distance
// between the eye centres (anthropometric means: eye centres ~61 mm apart, subnasale ~30 mm in
// front of the mean of the eye corners), so turning the head by yaw moves the nose sideways
// relative to the eye midpoint by tan(yaw) * kNoseDepth eye distances. An estimate (+-10 deg).
constexpr double kNoseDepth = 0.5;

// The thresholds, from measurements on this machine (HOG detector, flip off) recorded here.
//
// Two experiments, and the rule drawn from them:
// (a) Degradation of LFW (../shared/faces/lfw-dev, fold 1: 150 same-person and 148
//     different-person pairs; eyes ~41 px apart, sharpness ~0.039, brightness ~129, contrast ~35
//     as the images are). The first image of each pair was degraded with OpenCV, then: accuracy
//     at 0.6 (99.0 % undegraded) and "drift", the distance between the degraded face's embedding
//     and the same face's undegraded one (median).
// (b) The 13 one-face photos of ../shared/faces/ageitgey (eyes 100-150 px apart) shrunk until the
//     eyes were N px apart: drift from the full-size embedding (mean; resampling alone gives
//     ~0.055 at 40-100 px).
// Rule: "fair" when the degradation alone moves the embedding by >= 0.15 (a quarter of the 0.6
// threshold; LFW's mean same-person distance is 0.44, so that much drift leaves little margin);
// "poor" when accuracy fell by >= 2 points or drift reached ~0.25.
constexpr QualityThresholds kThresholds{
    // (b) eyes 30 px: drift 0.098; 25: 0.128; 20: 0.173; 15: 0.252; 12: 0.285 (1 of 13 missed).
    // (a) eyes 15 px: 98.3 % (drift 0.19); 12 px: 91.3 % (6 % of faces missed); 10 px: 28 % found.
    .eyes_poor_below_px = 16,
    .eyes_fair_below_px = 24,
    // (a) Gaussian blur, sigma in px at 45 px between the eyes -> sharpness, accuracy, drift:
    // none 0.039 99.0 % 0; 1.0: 0.0149 98.7 % 0.109; 1.5: 0.0089 98.7 % 0.185; 2.0: 0.0062
    // 98.0 % 0.256; 2.5: 0.0049 96.3 % 0.320; 3.0: 0.0043 92.6 %. LFW as it is, pairs by their
    // blurrier face: under 0.0065 94.1 % (17 pairs), 0.0065-0.012 96.0 % (74), over 0.012 98.9 %.
    .sharpness_poor_below = 0.006,
    .sharpness_fair_below = 0.012,
    // (a) pixels x f -> brightness, accuracy, drift: x0.6: 78 99.3 % 0.107; x0.4: 52 99.0 % 0.157;
    // x0.3: 39 99.0 % 0.195; x0.2: 26 97.0 % 0.258; x0.15: 19 95.3 %; x0.1: 13 84.9 %.
    .dark_poor_below = 26,
    .dark_fair_below = 55,
    // (a) x1.5: 187 98.0 % 0.160; x2: 219 91.9 % 0.314; x2.5: 234 83.6 %.
    .bright_fair_above = 185,
    .bright_poor_above = 205,
    // (a) contrast scaled by c about the mean -> contrast (std), accuracy, drift: c=0.5: 17.4
    // 99.3 % 0.140; 0.35: 12.2 99.0 % 0.196; 0.25: 8.7 98.3 % 0.251; 0.15: 5.2 94.0 %; darkening
    // x0.2 (contrast 7.0): 97.0 %.
    .contrast_poor_below = 7,
    .contrast_fair_below = 16,
    // Not a measured loss: on LFW, accuracy did not fall with the estimated yaw up to 45 degrees
    // (1362 pairs: 97.7-100 % in every 5-10 degree band), but LFW's faces stop there (99 % of
    // them within 31 degrees). Beyond 30 degrees a face is outside what was measured; beyond 45
    // it is past the frontal detector's design range and the 5 landmarks are unreliable.
    .yaw_fair_above_deg = 30,
    .yaw_poor_above_deg = 45,
    // LFW as it is, pairs by their less certain HOG detection: score under 0.5: 93.2 % of 88
    // pairs right; 0.5-1: 98.0 % (254); over 1: 99.3 % (1020).
    .hog_score_fair_below = 0.5,
    // The 55 dlib_johns chips (150 x 150) cropped to 130, 110 and 90 px, centred or against an
    // edge, so that part of the face falls outside: drift from the uncropped embedding by the
    // fraction of the detector's box outside the image: under 0.1: 0.152 (54 crops); 0.1-0.2:
    // 0.165 (55); 0.2-0.3: 0.287 (76); 0.3-0.4: 0.337 (75); 0.4-0.5: 0.565, up to 0.672 (15):
    // past 0.4 the cut alone can carry a face past the 0.6 threshold.
    .outside_fair_above = 0.2,
    .outside_poor_above = 0.4,
};

std::string Fixed(double v) { return base::Fixed(v, 0); }
using base::Fixed;
using base::Lower;

}  // namespace

const QualityThresholds& Thresholds() { return kThresholds; }

FaceQuality MeasureFace(const cv::Mat& chip_bgr, const std::array<Point, 5>& lm,
                        double detector_score) {
  FaceQuality q;
  q.detector_score = detector_score;
  // dlib's 5 points: 0,1 corners of the eye on the image's right, 2,3 of the eye on its left,
  // 4 the base of the nose.
  const Point right_eye{(lm[0].x + lm[1].x) / 2, (lm[0].y + lm[1].y) / 2};
  const Point left_eye{(lm[2].x + lm[3].x) / 2, (lm[2].y + lm[3].y) / 2};
  const double dx = right_eye.x - left_eye.x, dy = right_eye.y - left_eye.y;
  q.inter_eye_px = std::hypot(dx, dy);
  q.roll_deg = std::atan2(dy, dx) * 180 / std::numbers::pi;
  if (q.inter_eye_px > 0) {
    // The nose's offset from the eye midpoint along the eye line, in eye distances.
    const Point mid{(right_eye.x + left_eye.x) / 2, (right_eye.y + left_eye.y) / 2};
    const double along = ((lm[4].x - mid.x) * dx + (lm[4].y - mid.y) * dy) / q.inter_eye_px;
    q.yaw_deg = std::atan(along / q.inter_eye_px / kNoseDepth) * 180 / std::numbers::pi;
  }

  cv::Mat grey;
  cv::cvtColor(chip_bgr, grey, cv::COLOR_BGR2GRAY);
  const cv::Mat face = grey(kFaceInChip & cv::Rect(0, 0, grey.cols, grey.rows));
  cv::Scalar mean, stddev;
  cv::meanStdDev(face, mean, stddev);
  q.brightness = mean[0];
  q.contrast = stddev[0];
  cv::Mat lap;
  cv::Laplacian(face, lap, CV_64F);
  cv::Scalar lap_mean, lap_std;
  cv::meanStdDev(lap, lap_mean, lap_std);
  const double variance = stddev[0] * stddev[0];
  q.sharpness = variance > 0 ? lap_std[0] * lap_std[0] / variance : 0;
  return q;
}

void GradeFace(FaceQuality& q, Detector detector, const ImageFacts& image) {
  const QualityThresholds& t = kThresholds;
  q.reasons.clear();
  bool poor = false, fair = false;
  const auto note = [&](bool is_poor, std::string reason) {
    (is_poor ? poor : fair) = true;
    q.reasons.push_back(std::move(reason));
  };
  if (q.inter_eye_px < t.eyes_poor_below_px) {
    note(true, "The eyes are " + Fixed(q.inter_eye_px, 1) + " px apart (under " +
                   Fixed(t.eyes_poor_below_px) +
                   " px): the face is too small for a reliable comparison.");
  } else if (q.inter_eye_px < t.eyes_fair_below_px) {
    note(false, "The eyes are " + Fixed(q.inter_eye_px, 1) + " px apart (under " +
                    Fixed(t.eyes_fair_below_px) +
                    " px): a small face, whose comparison is less precise.");
  }
  if (q.sharpness < t.sharpness_poor_below) {
    note(true, "The face is blurred (sharpness " + Fixed(q.sharpness, 4) + ", under " +
                   Fixed(t.sharpness_poor_below, 4) +
                   "): too little detail for a reliable comparison.");
  } else if (q.sharpness < t.sharpness_fair_below) {
    note(false, "The face is somewhat blurred (sharpness " + Fixed(q.sharpness, 4) + ", under " +
                    Fixed(t.sharpness_fair_below, 4) + ").");
  }
  if (q.brightness < t.dark_poor_below) {
    note(true, "The face is very dark (mean brightness " + Fixed(q.brightness) + " of 255, under " +
                   Fixed(t.dark_poor_below) + ").");
  } else if (q.brightness < t.dark_fair_below) {
    note(false, "The face is dark (mean brightness " + Fixed(q.brightness) + " of 255, under " +
                    Fixed(t.dark_fair_below) + ").");
  } else if (q.brightness > t.bright_poor_above) {
    note(true, "The face is overexposed (mean brightness " + Fixed(q.brightness) +
                   " of 255, over " + Fixed(t.bright_poor_above) + ").");
  } else if (q.brightness > t.bright_fair_above) {
    note(false, "The face is very bright (mean brightness " + Fixed(q.brightness) +
                    " of 255, over " + Fixed(t.bright_fair_above) + ").");
  }
  if (q.contrast < t.contrast_poor_below) {
    note(true, "The face has almost no contrast (" + Fixed(q.contrast) + ", under " +
                   Fixed(t.contrast_poor_below) + "): washed out or in flat light.");
  } else if (q.contrast < t.contrast_fair_below) {
    note(false, "The face has low contrast (" + Fixed(q.contrast) + ", under " +
                    Fixed(t.contrast_fair_below) + ").");
  }
  if (q.outside_image > t.outside_poor_above) {
    note(true, "About " + Fixed(100 * q.outside_image) +
                   " % of the face is cut off by the edge of the photo (over " +
                   Fixed(100 * t.outside_poor_above) +
                   " %): too much is missing for a reliable "
                   "comparison.");
  } else if (q.outside_image > t.outside_fair_above) {
    note(false, "About " + Fixed(100 * q.outside_image) +
                    " % of the face is cut off by the edge of the photo (over " +
                    Fixed(100 * t.outside_fair_above) + " %).");
  }
  const double yaw = std::abs(q.yaw_deg);
  if (yaw > t.yaw_poor_above_deg) {
    note(true, "The head is turned about " + Fixed(yaw) + " degrees from frontal (over " +
                   Fixed(t.yaw_poor_above_deg) + "): its landmarks and comparison are unreliable.");
  } else if (yaw > t.yaw_fair_above_deg) {
    note(false, "The head is turned about " + Fixed(yaw) + " degrees from frontal (over " +
                    Fixed(t.yaw_fair_above_deg) + ").");
  }
  if (detector == Detector::kHog && q.detector_score < t.hog_score_fair_below) {
    note(false, "The face detector was unsure of this face (score " + Fixed(q.detector_score, 2) +
                    ", under " + Fixed(t.hog_score_fair_below, 2) + ").");
  }
  if (image.edited) {
    note(false, (IsImageEditor(image.software)
                     ? "The image was saved by " + image.software + ", an image editor"
                     : std::string("The image was edited")) +
                    ": the face may have been retouched or altered.");
  }
  q.grade = poor ? QualityGrade::kPoor : fair ? QualityGrade::kFair : QualityGrade::kGood;
}

bool IsImageEditor(const std::string& software) {
  static constexpr std::array<std::string_view, 28> kEditors = {
      "photoshop", "lightroom",   "gimp",       "paint.net",     "paintshop", "paint shop",
      "affinity",  "pixelmator",  "snapseed",   "facetune",      "faceapp",   "picsart",
      "meitu",     "airbrush",    "photoscape", "photodirector", "canva",     "fotor",
      "luminar",   "capture one", "darktable",  "rawtherapee",   "acdsee",    "corel",
      "photopea",  "polarr",      "krita",      "adobe"};
  const std::string s = Lower(software);
  return std::any_of(kEditors.begin(), kEditors.end(),
                     [&](std::string_view e) { return s.find(e) != std::string::npos; });
}

ImageFacts DescribeImage(const DecodedImage& decoded) {
  ImageFacts f;
  const ImageMetadata& m = decoded.metadata;
  f.format = FormatName(decoded.info.format);
  f.width = decoded.bgr.cols;
  f.height = decoded.bgr.rows;
  f.orientation = m.orientation;
  f.has_exif = m.has_exif;
  f.software = m.software;
  f.camera_make = m.camera_make;
  f.camera_model = m.camera_model;
  f.taken_at = m.taken_at;
  if (IsImageEditor(m.software)) {
    f.edit_signs.push_back("The image was saved by " + m.software +
                           " (EXIF Software), an image editor: it may have been altered.");
  } else if (IsImageEditor(m.creator_tool)) {
    f.edit_signs.push_back("The image was made with " + m.creator_tool +
                           " (XMP CreatorTool), an image editor: it may have been altered.");
  }
  if (m.has_edit_history) {
    f.edit_signs.push_back("The image carries an editing history (XMP): it has been edited.");
  }
  f.edited = !f.edit_signs.empty();
  const ImageFormat format = decoded.info.format;
  const bool camera_format = format == ImageFormat::kJpeg || format == ImageFormat::kHeic ||
                             format == ImageFormat::kHeif || format == ImageFormat::kAvif;
  if (camera_format && !m.has_exif) {
    f.edit_signs.push_back("The " + f.format +
                           " file carries no EXIF data (no camera, date or settings): it is not "
                           "a camera's original file but a copy that was re-saved, screenshotted "
                           "or passed through an app or messaging service that strips it.");
  } else if (camera_format && m.camera_make.empty() && m.camera_model.empty()) {
    f.edit_signs.push_back(
        "No camera make or model is recorded: the file was re-saved by a program, not written "
        "by the camera.");
  } else if (format == ImageFormat::kPng || format == ImageFormat::kBmp ||
             format == ImageFormat::kWebp) {
    f.edit_signs.push_back(std::string("Cameras do not save photos as ") + f.format +
                           ": this is a screenshot, an export or a conversion, not the original "
                           "photo.");
  }
  return f;
}

}  // namespace rtcc::matcher
