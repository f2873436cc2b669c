// Probe quality (policy 4.3.4.1: "the arresting officer or lead investigator shall take into
// consideration the quality of the probe photograph"): measures of each face, their grade with the
// reasons in words, and what the image file says about where it came from. Internal to matcher/;
// FaceEngine::AnalyzeProbe reports the results as FaceQuality and ImageFacts.
#pragma once

#include <array>
#include <opencv2/core.hpp>

#include "matcher/face_engine.h"
#include "matcher/image_decode.h"

namespace rtcc::matcher {

// The grade's thresholds; the measurements behind each are in probe_quality.cc.
struct QualityThresholds {
  double eyes_poor_below_px;  // inter-eye distance
  double eyes_fair_below_px;
  double sharpness_poor_below;  // FaceQuality::sharpness
  double sharpness_fair_below;
  double dark_poor_below;  // mean luminance of the face
  double dark_fair_below;
  double bright_fair_above;
  double bright_poor_above;
  double contrast_poor_below;  // standard deviation of the luminance of the face
  double contrast_fair_below;
  double yaw_fair_above_deg;  // |yaw|
  double yaw_poor_above_deg;
  double hog_score_fair_below;  // dlib HOG detector score (other detectors: not graded)
  double outside_fair_above;    // FaceQuality::outside_image
  double outside_poor_above;
};
const QualityThresholds& Thresholds();

// Measures one face: the eye geometry from its landmarks (in pixels of the probe), the rest on
// its aligned chip (150x150 BGR, as given to the embedding network). Leaves grade and reasons
// unset.
FaceQuality MeasureFace(const cv::Mat& chip_bgr, const std::array<Point, 5>& landmarks,
                        double detector_score);

// Sets q.grade and q.reasons from q's measures, the detector that found the face and the image's
// edit signs: poor when any measure is in its poor range, else fair when any is in its fair range
// or an image editor saved the file, else good.
void GradeFace(FaceQuality& q, Detector detector, const ImageFacts& image);

// The image's format, upright size, EXIF facts and edit signs.
ImageFacts DescribeImage(const DecodedImage& decoded);

// True when `software` (an EXIF Software or XMP CreatorTool value) names an image editor
// (Photoshop, Lightroom, GIMP, Snapseed, Facetune...), as opposed to a camera's firmware or a
// phone's operating system.
bool IsImageEditor(const std::string& software);

}  // namespace rtcc::matcher
