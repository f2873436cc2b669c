#include "matcher/image_decode.h"

#include <gtest/gtest.h>
#include <libheif/heif.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "matcher/face_engine.h"
#include "testing/test_images.h"

namespace rtcc::matcher {
namespace {

const std::filesystem::path kFaces = RTCC_TEST_FACES_DIR;
using testing::Encode;
using testing::ReadBytes;

std::vector<std::uint8_t> Bytes(std::string_view text) { return {text.begin(), text.end()}; }

// A 120 x 80 (w x h) colour test card: left half red, right half blue.
cv::Mat TestCard() {
  cv::Mat card(80, 120, CV_8UC3, cv::Scalar(0, 0, 255));
  card(cv::Rect(60, 0, 60, 80)).setTo(cv::Scalar(255, 0, 0));
  return card;
}

std::string ProbeImageError(std::span<const std::uint8_t> bytes) {
  try {
    ProbeImage(bytes);
  } catch (const ImageError& e) {
    return e.what();
  }
  return "";
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

TEST(DecodeImage, RefusesEmptyInputAndNonImagesNamingWhatTheyAre) {
  EXPECT_EQ(ErrorOf({}), "The attachment is empty: there is no image to search.");
  EXPECT_EQ(ErrorOf(Bytes("Dear RTCC, please run the attached photo.")),
            "The attachment is not an image this desk can read (JPEG, PNG, WebP, TIFF, BMP, "
            "HEIC/HEIF or AVIF).");
  EXPECT_EQ(ErrorOf(Bytes("%PDF-1.7\n%...")),
            "The attachment is a PDF document, not a photo this desk can read (JPEG, PNG, WebP, "
            "TIFF, BMP, HEIC/HEIF or AVIF): please send the photo itself.");
  EXPECT_NE(ErrorOf(Bytes("GIF89a\x10\x00\x10\x00")).find("is a GIF image"), std::string::npos);
  EXPECT_NE(ErrorOf(Bytes("PK\x03\x04\x14\x00")).find("ZIP archive or an Office document"),
            std::string::npos);
  // An MP4 video: an ISO media file whose brands are not HEIF's.
  const std::string mp4(
      "\x00\x00\x00\x18"
      "ftypisom\x00\x00\x02\x00"
      "isommp42",
      24);
  EXPECT_NE(ErrorOf(Bytes(mp4)).find("a video or other media file, not a still image"),
            std::string::npos);
}

TEST(ProbeImage, ReadsTiffAndBmpSizesFromTheHeader) {
  const cv::Mat card = TestCard();  // 120 x 80
  const ImageInfo tiff = ProbeImage(Encode(card, ".tiff"));
  EXPECT_EQ(tiff.format, ImageFormat::kTiff);
  EXPECT_EQ(tiff.width, 120u);
  EXPECT_EQ(tiff.height, 80u);
  const ImageInfo bmp = ProbeImage(Encode(card, ".bmp"));
  EXPECT_EQ(bmp.format, ImageFormat::kBmp);
  EXPECT_EQ(bmp.width, 120u);
  EXPECT_EQ(bmp.height, 80u);
  for (const std::string ext : {".tiff", ".bmp"}) {
    const cv::Mat m = DecodeImage(Encode(card, ext), 1'000'000);
    ASSERT_EQ(m.size(), cv::Size(120, 80)) << ext;
    EXPECT_EQ(m.at<cv::Vec3b>(10, 10), cv::Vec3b(0, 0, 255)) << ext;   // red, lossless
    EXPECT_EQ(m.at<cv::Vec3b>(10, 100), cv::Vec3b(255, 0, 0)) << ext;  // blue
  }
}

// Big-endian TIFF ("MM"), a BigTIFF and a top-down BMP, written by hand: the header walk reads
// each layout (OpenCV writes only little-endian classic TIFF and bottom-up BMP).
TEST(ProbeImage, ReadsBigEndianTiffBigTiffAndTopDownBmpHeaders) {
  // MM, 42, IFD at 8; 2 entries: ImageWidth SHORT 300, ImageLength LONG 200.
  const std::string be_tiff(
      "MM\x00\x2A\x00\x00\x00\x08\x00\x02"
      "\x01\x00\x00\x03\x00\x00\x00\x01\x01\x2C\x00\x00"
      "\x01\x01\x00\x04\x00\x00\x00\x01\x00\x00\x00\xC8"
      "\x00\x00\x00\x00",
      38);
  const ImageInfo be = ProbeImage(Bytes(be_tiff));
  EXPECT_EQ(be.format, ImageFormat::kTiff);
  EXPECT_EQ(be.width, 300u);
  EXPECT_EQ(be.height, 200u);
  // II, 43, offset size 8, IFD at 16; 2 entries of 20 bytes: width LONG8 70000, length LONG 5.
  std::string big("II\x2B\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00", 16);
  big += std::string("\x02\x00\x00\x00\x00\x00\x00\x00", 8);
  big += std::string(
      "\x00\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00\x00\x70\x11\x01\x00\x00\x00\x00\x00", 20);
  big += std::string(
      "\x01\x01\x04\x00\x01\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00", 20);
  const ImageInfo bt = ProbeImage(Bytes(big));
  EXPECT_EQ(bt.width, 70000u);
  EXPECT_EQ(bt.height, 5u);
  // A top-down BMP (negative height) converted from OpenCV's bottom-up one.
  std::vector<std::uint8_t> bmp = Encode(TestCard(), ".bmp");
  const std::int32_t minus80 = -80;
  std::memcpy(&bmp[22], &minus80, 4);
  EXPECT_EQ(ProbeImage(bmp).height, 80u);
  const cv::Mat flipped = DecodeImage(bmp, 1'000'000);
  EXPECT_EQ(flipped.size(), cv::Size(120, 80));
}

TEST(DecodeImage, RefusesDamagedHeaders) {
  EXPECT_EQ(ErrorOf(Bytes(std::string_view("II*\x00\xFF\xFF\x00\x00", 8))),
            "The TIFF image is damaged or truncated: its size could not be read.");
  EXPECT_EQ(ErrorOf(Bytes("BM\x10\x00")),
            "The BMP image is damaged or truncated: its size could not be read.");
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

// Decompression bombs: a small file whose header claims a huge image is refused on the header's
// word, before any pixel memory is allocated (decoding 100000 x 100000 x 3 would take 30 GB).
TEST(DecodeImage, RefusesTooManyPixelsBeforeDecoding) {
  // A PNG header that claims 8000 x 8000 followed by garbage.
  std::vector<std::uint8_t> png =
      Bytes(std::string_view("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16));
  for (const std::uint8_t b : {0, 0, 0x1F, 0x40, 0, 0, 0x1F, 0x40, 8, 2, 0, 0, 0}) png.push_back(b);
  png.resize(4096, 0xAB);
  const std::string error = ErrorOf(png);
  EXPECT_EQ(error,
            "The PNG image is 8000 x 8000 pixels, more than the 50 megapixels this desk accepts; "
            "please send a smaller copy.");

  // A real PNG whose IHDR is patched to 100000 x 100000 (its pixel data is a 120 x 80 image).
  std::vector<std::uint8_t> bomb = Encode(TestCard(), ".png");
  for (const std::size_t at : {16u, 20u}) {
    const std::uint8_t big[4] = {0x00, 0x01, 0x86, 0xA0};  // 100000
    std::copy(std::begin(big), std::end(big), bomb.begin() + static_cast<long>(at));
  }
  EXPECT_NE(ErrorOf(bomb).find("PNG image is 100000 x 100000 pixels"), std::string::npos);

  // A real JPEG whose frame header is patched to 65000 x 65000 (JPEG's sides stop at 65535).
  std::vector<std::uint8_t> jpeg = Encode(TestCard(), ".jpg");
  for (std::size_t i = 2; i + 8 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {  // SOF0: length, precision, height, width
      for (const std::size_t at : {i + 5, i + 7}) {
        jpeg[at] = 0xFD;  // 65000 = 0xFDE8
        jpeg[at + 1] = 0xE8;
      }
      break;
    }
  }
  EXPECT_NE(ErrorOf(jpeg).find("JPEG image is 65000 x 65000 pixels"), std::string::npos)
      << ErrorOf(jpeg);
  // TIFF and BMP headers patched the same way.
  std::vector<std::uint8_t> bmp = Encode(TestCard(), ".bmp");
  const std::int32_t side = 100000;
  std::memcpy(&bmp[18], &side, 4);
  std::memcpy(&bmp[22], &side, 4);
  EXPECT_NE(ErrorOf(bmp).find("BMP image is 100000 x 100000 pixels"), std::string::npos);
  const std::string tiff(
      "II\x2A\x00\x08\x00\x00\x00\x02\x00"
      "\x00\x01\x04\x00\x01\x00\x00\x00\xA0\x86\x01\x00"
      "\x01\x01\x04\x00\x01\x00\x00\x00\xA0\x86\x01\x00"
      "\x00\x00\x00\x00",
      38);
  EXPECT_NE(ErrorOf(Bytes(tiff)).find("TIFF image is 100000 x 100000 pixels"), std::string::npos);

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

// Every EXIF orientation (1-8): the pixels a camera stores for it, once turned by DecodeImage, are
// the upright image again. The tag is written with exiv2, as cameras and phones write it.
TEST(DecodeImage, TurnsEveryExifOrientationUpright) {
  cv::Mat upright(60, 90, CV_8UC3, cv::Scalar(0, 0, 0));  // a different colour in each corner
  upright(cv::Rect(0, 0, 30, 20)).setTo(cv::Scalar(0, 0, 255));
  upright(cv::Rect(60, 0, 30, 20)).setTo(cv::Scalar(0, 255, 0));
  upright(cv::Rect(0, 40, 30, 20)).setTo(cv::Scalar(255, 0, 0));
  upright(cv::Rect(60, 40, 30, 20)).setTo(cv::Scalar(255, 255, 255));
  for (int orientation = 1; orientation <= 8; ++orientation) {
    const std::vector<std::uint8_t> png =
        testing::WithExif(Encode(testing::StoredFor(upright, orientation), ".png"),
                          {{"Exif.Image.Orientation", std::to_string(orientation)}});
    const DecodedImage d = DecodeProbe(png, 1'000'000);
    EXPECT_EQ(d.metadata.orientation, orientation);
    EXPECT_EQ(d.applied_orientation, orientation);
    ASSERT_EQ(d.bgr.size(), upright.size()) << orientation;
    EXPECT_EQ(cv::norm(d.bgr, upright, cv::NORM_INF), 0) << orientation;
  }
}

TEST(ReadImageMetadata, ReadsCameraSoftwareAndDate) {
  const std::vector<std::uint8_t> jpeg = testing::WithExif(
      Encode(TestCard(), ".jpg"), {{"Exif.Image.Make", "Apple"},
                                   {"Exif.Image.Model", "iPhone 13"},
                                   {"Exif.Image.Software", "Adobe Photoshop 25.0 (Windows)"},
                                   {"Exif.Photo.DateTimeOriginal", "2024:03:01 14:22:05"}});
  const ImageMetadata m = ReadImageMetadata(jpeg);
  EXPECT_TRUE(m.has_exif);
  EXPECT_EQ(m.camera_make, "Apple");
  EXPECT_EQ(m.camera_model, "iPhone 13");
  EXPECT_EQ(m.software, "Adobe Photoshop 25.0 (Windows)");
  EXPECT_EQ(m.taken_at, "2024:03:01 14:22:05");
  EXPECT_EQ(m.orientation, 0);
  // ageitgey/obama.jpg was saved by Photoshop and carries its XMP history.
  const ImageMetadata obama = ReadImageMetadata(ReadBytes(kFaces / "ageitgey/obama.jpg"));
  EXPECT_EQ(obama.software, "Adobe Photoshop CC 2017 (Macintosh)");
  EXPECT_TRUE(obama.has_edit_history);
  // No metadata at all, and not an image: nothing, no exception.
  EXPECT_FALSE(ReadImageMetadata(Encode(TestCard(), ".jpg")).has_exif);
  EXPECT_FALSE(ReadImageMetadata(Bytes("not an image")).has_exif);
}

// A real photo as an iPhone sends it: HEIC (HEVC in HEIF), encoded at test time with libheif's
// x265 encoder (Debian's libheif1 1.15 has it; the test skips where it does not).
class Heic : public ::testing::Test {
 protected:
  void SetUp() override {
    const cv::Mat obama = cv::imread((kFaces / "ageitgey/obama.jpg").string());
    cv::resize(obama, photo_, cv::Size(), 0.4, 0.4, cv::INTER_AREA);  // 364 x 455
  }
  std::vector<std::uint8_t> EncodeOrSkip(
      const cv::Mat& bgr, int orientation = 1,
      const std::vector<std::pair<std::string, std::string>>& exif = {},
      testing::HeifCodec codec = testing::HeifCodec::kHevc) {
    auto bytes = testing::EncodeHeif(bgr, codec, orientation, exif);
    if (!bytes) ADD_FAILURE() << "no HEIF encoder";
    return bytes ? *bytes : std::vector<std::uint8_t>{};
  }
  cv::Mat photo_;
};

TEST_F(Heic, DecodesToThePhotosPixels) {
  const std::vector<std::uint8_t> heic = EncodeOrSkip(photo_);
  const ImageInfo info = ProbeImage(heic);
  EXPECT_EQ(info.format, ImageFormat::kHeic);
  EXPECT_EQ(info.width, 364u);
  EXPECT_EQ(info.height, 455u);
  const DecodedImage d = DecodeProbe(heic, 1'000'000);
  ASSERT_EQ(d.bgr.size(), photo_.size());
  // Lossy (quality 90): the mean difference per channel is small.
  const double mean_error = cv::norm(d.bgr, photo_, cv::NORM_L1) / (photo_.total() * 3.0);
  EXPECT_LT(mean_error, 4.0);
}

// The HEIF orientation (irot/imir boxes, as iPhones write for a phone held upright) is applied by
// libheif: the image comes out upright, whatever way it was stored.
TEST_F(Heic, ComesOutUprightFromItsTransforms) {
  for (const int orientation : {3, 6, 8}) {
    const std::vector<std::uint8_t> heic =
        EncodeOrSkip(testing::StoredFor(photo_, orientation), orientation);
    const DecodedImage d = DecodeProbe(heic, 1'000'000);
    ASSERT_EQ(d.bgr.size(), photo_.size()) << orientation;
    EXPECT_LT(cv::norm(d.bgr, photo_, cv::NORM_L1) / (photo_.total() * 3.0), 4.0) << orientation;
    EXPECT_EQ(d.applied_orientation, 1);  // libheif turned it, not the EXIF step
  }
}

TEST_F(Heic, ItsExifIsRead) {
  const std::vector<std::uint8_t> heic =
      EncodeOrSkip(photo_, 1, {{"Exif.Image.Make", "Apple"}, {"Exif.Image.Model", "iPhone 13"}});
  const DecodedImage d = DecodeProbe(heic, 1'000'000);
  EXPECT_TRUE(d.metadata.has_exif);
  EXPECT_EQ(d.metadata.camera_make, "Apple");
  EXPECT_EQ(d.metadata.camera_model, "iPhone 13");
}

// A HEIC whose 'ispe' boxes (the image sizes; libheif writes two here: the 1-tile grid and its
// tile) are patched: refused on the header, before decoding.
TEST_F(Heic, BombIsRefusedOnItsHeader) {
  const std::vector<std::uint8_t> heic = EncodeOrSkip(photo_);
  const auto patched = [&](std::uint32_t side) {
    std::vector<std::uint8_t> out = heic;
    const std::string_view ispe = "ispe";
    const std::uint8_t be[4] = {
        static_cast<std::uint8_t>(side >> 24), static_cast<std::uint8_t>(side >> 16),
        static_cast<std::uint8_t>(side >> 8), static_cast<std::uint8_t>(side)};
    int boxes = 0;
    for (auto at = out.begin();
         (at = std::search(at, out.end(), ispe.begin(), ispe.end())) != out.end(); at += 4) {
      std::copy(std::begin(be), std::end(be), at + 8);  // after "ispe" and version/flags
      std::copy(std::begin(be), std::end(be), at + 12);
      ++boxes;
    }
    EXPECT_GE(boxes, 1);
    return out;
  };
  EXPECT_EQ(ErrorOf(patched(20000)),
            "The HEIC image is 20000 x 20000 pixels, more than the 50 megapixels this desk "
            "accepts; please send a smaller copy.");
  // Over libheif's own limit (32768 per side), libheif refuses it while reading the header.
  EXPECT_EQ(ErrorOf(patched(100000)),
            "The HEIC image declares a size larger than any photo this desk accepts; please send a "
            "smaller copy.");
}

TEST_F(Heic, AvifDecodesToo) {
  if (!heif_have_encoder_for_format(heif_compression_AV1)) GTEST_SKIP() << "no AV1 encoder";
  const std::vector<std::uint8_t> avif = EncodeOrSkip(photo_, 1, {}, testing::HeifCodec::kAv1);
  EXPECT_EQ(ProbeImage(avif).format, ImageFormat::kAvif);
  const DecodedImage d = DecodeProbe(avif, 1'000'000);
  ASSERT_EQ(d.bgr.size(), photo_.size());
  EXPECT_LT(cv::norm(d.bgr, photo_, cv::NORM_L1) / (photo_.total() * 3.0), 4.0);
}

// Bytes that say "HEIC" (an ftyp box with brand heic) but hold nothing decodable.
TEST(DecodeImage, DamagedHeicSaysSo) {
  const std::string heic(
      "\x00\x00\x00\x18"
      "ftypheic\x00\x00\x00\x00"
      "mif1heic",
      24);
  EXPECT_EQ(ProbeImageError(Bytes(heic)),
            "The HEIC image is damaged or truncated: its size could not be read.");
}

}  // namespace
}  // namespace rtcc::matcher
