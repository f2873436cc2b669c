#include "matcher/image_decode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "matcher/face_engine.h"

namespace rtcc::matcher {
namespace {

const std::filesystem::path kFaces = RTCC_TEST_FACES_DIR;

std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in) << file;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> Bytes(std::string_view text) { return {text.begin(), text.end()}; }

std::vector<std::uint8_t> Encode(const cv::Mat& image, const std::string& ext,
                                 const std::vector<int>& params = {}) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(cv::imencode(ext, image, out, params));
  return out;
}

// A 120 x 80 (w x h) colour test card: left half red, right half blue.
cv::Mat TestCard() {
  cv::Mat card(80, 120, CV_8UC3, cv::Scalar(0, 0, 255));
  card(cv::Rect(60, 0, 60, 80)).setTo(cv::Scalar(255, 0, 0));
  return card;
}

std::string ErrorOf(std::span<const std::uint8_t> bytes, std::size_t max_pixels = 50'000'000) {
  try {
    DecodeImage(bytes, max_pixels);
  } catch (const ImageError& e) {
    return e.what();
  }
  return "";
}

TEST(ProbeImage, ReadsJpegAndPngSizesFromTheHeader) {
  const ImageInfo jpeg = ProbeImage(ReadBytes(kFaces / "ageitgey/obama.jpg"));  // has EXIF
  EXPECT_EQ(jpeg.format, ImageFormat::kJpeg);
  EXPECT_EQ(jpeg.width, 910u);
  EXPECT_EQ(jpeg.height, 1137u);
  const ImageInfo progressive = ProbeImage(ReadBytes(kFaces / "ageitgey/test__obama1.jpg"));
  EXPECT_EQ(progressive.width, 1480u);
  EXPECT_EQ(progressive.height, 832u);
  const ImageInfo png = ProbeImage(ReadBytes(kFaces / "faceapi_bbt/amy/amy1.png"));
  EXPECT_EQ(png.format, ImageFormat::kPng);
  EXPECT_EQ(png.width, 150u);
  EXPECT_EQ(png.height, 150u);
}

TEST(ProbeImage, ReadsLossyAndLosslessWebpSizes) {
  for (const int quality : {80, 101}) {  // above 100: lossless (VP8L)
    const auto webp = Encode(TestCard(), ".webp", {cv::IMWRITE_WEBP_QUALITY, quality});
    const ImageInfo info = ProbeImage(webp);
    EXPECT_EQ(info.format, ImageFormat::kWebp);
    EXPECT_EQ(info.width, 120u) << quality;
    EXPECT_EQ(info.height, 80u) << quality;
    EXPECT_EQ(DecodeImage(webp, 1'000'000).size(), cv::Size(120, 80));
  }
}

TEST(DecodeImage, GivesBgrForColourAndGreyInput) {
  const cv::Mat png = DecodeImage(Encode(TestCard(), ".png"), 1'000'000);
  ASSERT_EQ(png.type(), CV_8UC3);
  EXPECT_EQ(png.at<cv::Vec3b>(10, 10), cv::Vec3b(0, 0, 255));   // red stays red
  EXPECT_EQ(png.at<cv::Vec3b>(10, 100), cv::Vec3b(255, 0, 0));  // blue stays blue
  const cv::Mat grey = DecodeImage(ReadBytes(kFaces / "faceapi_bbt/amy/amy1.png"), 1'000'000);
  EXPECT_EQ(grey.type(), CV_8UC3);
  EXPECT_EQ(grey.size(), cv::Size(150, 150));
}

TEST(ToDlibRgb, SwapsBgrToRgb) {
  const auto rgb = ToDlibRgb(TestCard());
  ASSERT_EQ(rgb.nr(), 80);
  ASSERT_EQ(rgb.nc(), 120);
  EXPECT_EQ(rgb(10, 10), dlib::rgb_pixel(255, 0, 0));   // red
  EXPECT_EQ(rgb(10, 100), dlib::rgb_pixel(0, 0, 255));  // blue
}

TEST(DecodeImage, RefusesEmptyInputAndNonImages) {
  EXPECT_NE(ErrorOf({}).find("empty"), std::string::npos);
  EXPECT_NE(
      ErrorOf(Bytes("Dear RTCC, please run the attached photo.")).find("not a JPEG, PNG or WebP"),
      std::string::npos);
  EXPECT_NE(ErrorOf(Bytes("GIF89a")).find("not a JPEG"), std::string::npos);
  EXPECT_NE(ErrorOf(Bytes(std::string_view("II*\x00\x08\x00\x00\x00", 8))).find("not a JPEG"),
            std::string::npos);  // TIFF
}

TEST(DecodeImage, RefusesDamagedHeaders) {
  const auto jpeg = ReadBytes(kFaces / "ageitgey/obama.jpg");
  // The first 200 bytes are SOI and part of the EXIF segment: no frame header.
  const std::vector<std::uint8_t> head(jpeg.begin(), jpeg.begin() + 200);
  EXPECT_NE(ErrorOf(head).find("damaged or truncated"), std::string::npos);
  EXPECT_NE(ErrorOf(Bytes("\x89PNG\r\n\x1A\n")).find("PNG image is damaged"), std::string::npos);
  EXPECT_NE(ErrorOf(Bytes(std::string_view("RIFF\x10\x00\x00\x00WEBPVP8 ", 16)))
                .find("WebP image is damaged"),
            std::string::npos);
}

TEST(DecodeImage, TruncatedPixelDataNeverCrashes) {
  const auto jpeg = ReadBytes(kFaces / "ageitgey/obama.jpg");
  for (const double fraction : {0.3, 0.6, 0.95}) {
    const std::vector<std::uint8_t> part(jpeg.begin(),
                                         jpeg.begin() + static_cast<long>(fraction * jpeg.size()));
    try {
      const cv::Mat m = DecodeImage(part, 50'000'000);  // libjpeg fills the missing rows with grey
      EXPECT_EQ(m.size(), cv::Size(910, 1137));
    } catch (const ImageError&) {
    }
  }
}

TEST(DecodeImage, RefusesTooManyPixelsBeforeDecoding) {
  // A PNG header that claims 8000 x 8000 followed by garbage: refused on the header's word.
  std::vector<std::uint8_t> png =
      Bytes(std::string_view("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16));
  for (const std::uint8_t b : {0, 0, 0x1F, 0x40, 0, 0, 0x1F, 0x40, 8, 2, 0, 0, 0}) png.push_back(b);
  png.resize(4096, 0xAB);
  const std::string error = ErrorOf(png);
  EXPECT_NE(error.find("8000 x 8000"), std::string::npos) << error;
  EXPECT_NE(error.find("50 megapixels"), std::string::npos) << error;

  const auto obama = ReadBytes(kFaces / "ageitgey/obama.jpg");  // 1.03 megapixels
  EXPECT_NE(ErrorOf(obama, 1'000'000).find("910 x 1137"), std::string::npos);
  EXPECT_NO_THROW(DecodeImage(obama, 1'100'000));
}

// A JPEG whose EXIF says "rotate 90 degrees clockwise to display" (orientation 6), as phones write.
TEST(DecodeImage, AppliesExifOrientation) {
  const auto plain = Encode(TestCard(), ".jpg");  // 120 wide, 80 high; red left, blue right
  const std::uint8_t exif[] = {
      0xFF, 0xE1, 0x00, 0x22, 'E',  'x',  'i',  'f',  0,    0,  // APP1, length 34, "Exif\0\0"
      'I',  'I',  0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,           // TIFF header, IFD at 8
      0x01, 0x00,                                               // 1 entry
      0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,  // Orientation = 6
      0x00, 0x00, 0x00, 0x00};                                                 // no next IFD
  std::vector<std::uint8_t> rotated(plain.begin(), plain.begin() + 2);         // SOI
  rotated.insert(rotated.end(), std::begin(exif), std::end(exif));
  rotated.insert(rotated.end(), plain.begin() + 2, plain.end());

  const ImageInfo info = ProbeImage(rotated);
  EXPECT_EQ(info.width, 120u);  // as stored
  const cv::Mat m = DecodeImage(rotated, 1'000'000);
  ASSERT_EQ(m.size(), cv::Size(80, 120));  // as displayed: turned upright
  // Rotated clockwise, the red (left) half is now on top.
  const cv::Vec3b top = m.at<cv::Vec3b>(20, 40), bottom = m.at<cv::Vec3b>(100, 40);
  EXPECT_GT(top[2], 200);
  EXPECT_GT(bottom[0], 200);
}

}  // namespace
}  // namespace rtcc::matcher
