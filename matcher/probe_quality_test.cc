// Probe quality on real photos (policy 4.3.4.1): a sharp frontal photo is good; the same photo
// blurred, shrunk, darkened or saved by an editor is graded down with the reason in words.
#include "matcher/probe_quality.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "matcher/face_engine.h"
#include "testing/test_images.h"

namespace rtcc::matcher {
namespace {

namespace fs = std::filesystem;
const fs::path kFaces = RTCC_TEST_FACES_DIR;
using testing::Encode;
using testing::ReadBytes;

FaceEngine& Engine() {
  static const std::unique_ptr<FaceEngine> engine = FaceEngine::Load({});
  return *engine;
}

// ageitgey/test__obama1.jpg: a frontal press photo, 1480 x 832, eyes 150 px apart.
cv::Mat Obama() { return cv::imread((kFaces / "ageitgey/test__obama1.jpg").string()); }

FaceQuality QualityOf(const cv::Mat& bgr) {
  const auto faces = Engine().Analyze(Encode(bgr, ".png"));
  EXPECT_EQ(faces.size(), 1u);
  return faces.empty() ? FaceQuality{} : faces.front().quality;
}

bool HasReason(const FaceQuality& q, const std::string& words) {
  return std::any_of(q.reasons.begin(), q.reasons.end(),
                     [&](const std::string& r) { return r.find(words) != std::string::npos; });
}

std::string Reasons(const FaceQuality& q) {
  std::string all;
  for (const std::string& r : q.reasons) all += r + " | ";
  return all;
}

void Print(const std::string& what, const FaceQuality& q) {
  std::cout << what << ": " << GradeName(q.grade) << ", eyes " << q.inter_eye_px
            << " px, sharpness " << q.sharpness << ", brightness " << q.brightness << ", contrast "
            << q.contrast << ", yaw " << q.yaw_deg << ", roll " << q.roll_deg << ", score "
            << q.detector_score << (q.reasons.empty() ? "" : "; " + Reasons(q)) << "\n";
}

TEST(ProbeQuality, SharpFrontalPhotoIsGood) {
  const ProbeAnalysis a = Engine().AnalyzeProbe(ReadBytes(kFaces / "ageitgey/test__obama1.jpg"));
  ASSERT_EQ(a.faces.size(), 1u);
  const FaceQuality& q = a.faces[0].quality;
  Print("test__obama1.jpg", q);
  EXPECT_EQ(q.grade, QualityGrade::kGood) << Reasons(q);
  EXPECT_TRUE(q.reasons.empty());
  EXPECT_NEAR(q.inter_eye_px, 150, 5);
  EXPECT_LT(std::abs(q.roll_deg), 10);
  EXPECT_LT(std::abs(q.yaw_deg), 25);
  EXPECT_GT(q.brightness, 80);
  EXPECT_GT(q.contrast, 25);
}

TEST(ProbeQuality, HeavilyBlurredFaceIsPoorForItsBlur) {
  cv::Mat blurred;
  cv::GaussianBlur(Obama(), blurred, cv::Size(), 15);
  const FaceQuality sharp = QualityOf(Obama());
  const FaceQuality q = QualityOf(blurred);
  Print("test__obama1.jpg blurred (sigma 15 px)", q);
  EXPECT_LT(q.sharpness, sharp.sharpness / 4);
  EXPECT_EQ(q.grade, QualityGrade::kPoor) << Reasons(q);
  EXPECT_TRUE(HasReason(q, "The face is blurred")) << Reasons(q);
}

TEST(ProbeQuality, TinyFaceIsPoorForItsSize) {
  cv::Mat tiny;
  cv::resize(Obama(), tiny, cv::Size(), 0.09, 0.09, cv::INTER_AREA);  // eyes ~14 px apart
  const FaceQuality q = QualityOf(tiny);
  Print("test__obama1.jpg at 9 %", q);
  EXPECT_LT(q.inter_eye_px, 16);
  EXPECT_EQ(q.grade, QualityGrade::kPoor) << Reasons(q);
  EXPECT_TRUE(HasReason(q, "too small for a reliable comparison")) << Reasons(q);
}

TEST(ProbeQuality, DarkenedFaceIsPoorForItsExposure) {
  cv::Mat dark;
  Obama().convertTo(dark, -1, 0.15, 0);
  const FaceQuality q = QualityOf(dark);
  Print("test__obama1.jpg darkened to 15 %", q);
  EXPECT_LT(q.brightness, 25);
  EXPECT_EQ(q.grade, QualityGrade::kPoor) << Reasons(q);
  EXPECT_TRUE(HasReason(q, "very dark")) << Reasons(q);
}

TEST(ProbeQuality, SmallPhotoOfObamaIsMeasuredAsSmall) {
  // ageitgey/obama_small.jpg: 320 x 240, eyes 48.5 px apart.
  const ProbeAnalysis a = Engine().AnalyzeProbe(ReadBytes(kFaces / "ageitgey/obama_small.jpg"));
  ASSERT_EQ(a.faces.size(), 1u);
  Print("obama_small.jpg", a.faces[0].quality);
  EXPECT_NEAR(a.faces[0].quality.inter_eye_px, 48.5, 2);
  // ageitgey/obama_partial_face.jpg: the face cut by the left border.
  const ProbeAnalysis partial =
      Engine().AnalyzeProbe(ReadBytes(kFaces / "ageitgey/obama_partial_face.jpg"));
  ASSERT_EQ(partial.faces.size(), 1u);
  Print("obama_partial_face.jpg", partial.faces[0].quality);
}

// A face cut by the edge of the photo: test__obama1.jpg cropped through the middle of the face.
TEST(ProbeQuality, FaceCutByTheEdgeSaysSo) {
  const cv::Mat photo = Obama();
  const FaceQuality whole = QualityOf(photo);
  EXPECT_EQ(whole.outside_image, 0);
  // The face's box spans x 569-941 (eyes 150 px apart); keep from x = 660 on: a quarter is cut.
  const FaceQuality cut = QualityOf(photo(cv::Rect(660, 0, photo.cols - 660, photo.rows)).clone());
  Print("test__obama1.jpg cut at x = 660", cut);
  EXPECT_GT(cut.outside_image, 0.2);
  EXPECT_TRUE(HasReason(cut, "cut off by the edge of the photo")) << Reasons(cut);
  EXPECT_NE(cut.grade, QualityGrade::kGood);
}

TEST(ProbeQuality, PhotoshopInExifIsAnEditSign) {
  const std::vector<std::uint8_t> jpeg =
      testing::WithExif(Encode(Obama(), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}),
                        {{"Exif.Image.Software", "Adobe Photoshop 25.0 (Windows)"},
                         {"Exif.Image.Make", "Canon"},
                         {"Exif.Image.Model", "Canon EOS 5D Mark IV"}});
  const ProbeAnalysis a = Engine().AnalyzeProbe(jpeg);
  EXPECT_EQ(a.image.software, "Adobe Photoshop 25.0 (Windows)");
  EXPECT_EQ(a.image.camera_make, "Canon");
  ASSERT_EQ(a.image.edit_signs.size(), 1u);
  EXPECT_EQ(a.image.edit_signs[0],
            "The image was saved by Adobe Photoshop 25.0 (Windows) (EXIF Software), an image "
            "editor: it may have been altered.");
  ASSERT_EQ(a.faces.size(), 1u);
  EXPECT_EQ(a.faces[0].quality.grade, QualityGrade::kFair);
  EXPECT_TRUE(HasReason(a.faces[0].quality, "an image editor"));
  // The same photo with only the camera's tags: no edit sign, good.
  const ProbeAnalysis camera = Engine().AnalyzeProbe(testing::WithExif(
      Encode(Obama(), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}),
      {{"Exif.Image.Make", "Canon"}, {"Exif.Image.Model", "Canon EOS 5D Mark IV"}}));
  EXPECT_TRUE(camera.image.edit_signs.empty());
  EXPECT_EQ(camera.faces.at(0).quality.grade, QualityGrade::kGood);
}

TEST(ProbeQuality, ImagesWithoutCameraDataSaySo) {
  // A JPEG with no EXIF at all (re-saved, screenshot, messaging app).
  const ProbeAnalysis bare = Engine().AnalyzeProbe(Encode(Obama(), ".jpg"));
  ASSERT_EQ(bare.image.edit_signs.size(), 1u);
  EXPECT_NE(bare.image.edit_signs[0].find("carries no EXIF data"), std::string::npos);
  EXPECT_FALSE(bare.image.has_exif);
  // EXIF without a camera.
  const ProbeAnalysis no_camera = Engine().AnalyzeProbe(testing::WithExif(
      Encode(Obama(), ".jpg"), {{"Exif.Photo.DateTimeOriginal", "2024:03:01 14:22:05"}}));
  ASSERT_EQ(no_camera.image.edit_signs.size(), 1u);
  EXPECT_NE(no_camera.image.edit_signs[0].find("No camera make or model"), std::string::npos);
  EXPECT_EQ(no_camera.image.taken_at, "2024:03:01 14:22:05");
  // A PNG: not what cameras write.
  const ProbeAnalysis png = Engine().AnalyzeProbe(Encode(Obama(), ".png"));
  ASSERT_EQ(png.image.edit_signs.size(), 1u);
  EXPECT_NE(png.image.edit_signs[0].find("Cameras do not save photos as PNG"), std::string::npos);
  // None of these lowers the face's grade: most forwarded photos lose their EXIF.
  EXPECT_EQ(bare.faces.at(0).quality.grade, QualityGrade::kGood);
}

TEST(ProbeQuality, ObamaJpgWasSavedByPhotoshop) {
  const ProbeAnalysis a = Engine().AnalyzeProbe(ReadBytes(kFaces / "ageitgey/obama.jpg"));
  EXPECT_EQ(a.image.software, "Adobe Photoshop CC 2017 (Macintosh)");
  EXPECT_EQ(a.image.edit_signs.size(), 2u);  // the Software tag and the XMP history
  EXPECT_TRUE(a.image.edited);
  ASSERT_EQ(a.faces.size(), 1u);
  EXPECT_EQ(a.faces[0].quality.grade, QualityGrade::kFair);
}

TEST(IsImageEditor, TellsEditorsFromCameraFirmware) {
  for (const char* editor : {"Adobe Photoshop 25.0 (Windows)", "Adobe Lightroom 7.1",
                             "GIMP 2.10.34", "Snapseed 2.0", "Facetune2", "Paint.NET 5.0"}) {
    EXPECT_TRUE(IsImageEditor(editor)) << editor;
  }
  for (const char* camera :
       {"", "17.2.1", "iOS 16.1", "G998BXXU5CVDD", "Ver.1.00", "HDR+ 1.0.512345678zd"}) {
    EXPECT_FALSE(IsImageEditor(camera)) << camera;
  }
}

TEST(GradeName, NamesEachGrade) {
  EXPECT_STREQ(GradeName(QualityGrade::kGood), "good");
  EXPECT_STREQ(GradeName(QualityGrade::kFair), "fair");
  EXPECT_STREQ(GradeName(QualityGrade::kPoor), "poor");
}

}  // namespace
}  // namespace rtcc::matcher
