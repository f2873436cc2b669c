#include "matcher/image_decode.h"

#include <algorithm>
#include <climits>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <string_view>

#include "matcher/face_engine.h"

namespace rtcc::matcher {
namespace {

std::uint32_t Be16(const std::uint8_t* p) { return std::uint32_t{p[0]} << 8 | p[1]; }
std::uint32_t Be32(const std::uint8_t* p) { return Be16(p) << 16 | Be16(p + 2); }
std::uint32_t Le16(const std::uint8_t* p) { return std::uint32_t{p[1]} << 8 | p[0]; }
std::uint32_t Le24(const std::uint8_t* p) { return std::uint32_t{p[2]} << 16 | Le16(p); }
std::uint32_t Le32(const std::uint8_t* p) { return std::uint32_t{p[3]} << 24 | Le24(p); }

bool StartsWith(std::span<const std::uint8_t> b, std::size_t at, std::string_view s) {
  return b.size() >= at + s.size() &&
         std::equal(s.begin(), s.end(), b.begin() + at,
                    [](char c, std::uint8_t u) { return u == static_cast<std::uint8_t>(c); });
}

const char* Name(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kWebp:
      return "WebP";
  }
  return "?";
}

// "50 megapixels", "2.5 megapixels", "40000 pixels".
std::string PixelCount(std::uint64_t pixels) {
  if (pixels < 1'000'000) return std::to_string(pixels) + " pixels";
  const std::uint64_t tenths = (pixels + 50'000) / 100'000;
  std::string text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + " megapixels";
}

[[noreturn]] void Damaged(ImageFormat f) {
  throw ImageError(std::string("The ") + Name(f) +
                   " image is damaged or truncated: its size could not be read.");
}

ImageInfo ProbeJpeg(std::span<const std::uint8_t> b) {
  // Walk the marker segments up to the first SOFn, which holds the frame's height and width.
  std::size_t i = 2;
  const std::size_t n = b.size();
  while (i < n) {
    if (b[i] != 0xFF) Damaged(ImageFormat::kJpeg);
    while (i < n && b[i] == 0xFF) ++i;  // fill bytes
    if (i >= n) break;
    const std::uint8_t marker = b[i++];
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) continue;  // no payload
    if (marker == 0xD9 || marker == 0xDA) break;  // end of image or start of scan before any SOF
    if (i + 2 > n) break;
    const std::uint32_t length = Be16(&b[i]);
    if (length < 2) break;
    const bool sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (length < 7 || i + 7 > n) break;
      const std::uint32_t height = Be16(&b[i + 3]);
      const std::uint32_t width = Be16(&b[i + 5]);
      if (width == 0 || height == 0) break;
      return {ImageFormat::kJpeg, width, height};
    }
    i += length;
  }
  Damaged(ImageFormat::kJpeg);
}

ImageInfo ProbePng(std::span<const std::uint8_t> b) {
  // Signature (8), then the IHDR chunk: length (4), "IHDR", width (4), height (4), big-endian.
  if (b.size() < 24 || !StartsWith(b, 12, "IHDR")) Damaged(ImageFormat::kPng);
  const std::uint32_t width = Be32(&b[16]);
  const std::uint32_t height = Be32(&b[20]);
  if (width == 0 || height == 0 || width > INT_MAX || height > INT_MAX) Damaged(ImageFormat::kPng);
  return {ImageFormat::kPng, width, height};
}

ImageInfo ProbeWebp(std::span<const std::uint8_t> b) {
  // "RIFF" size "WEBP", then the first chunk: simple lossy (VP8), lossless (VP8L) or extended
  // (VP8X).
  ImageInfo info{ImageFormat::kWebp, 0, 0};
  if (StartsWith(b, 12, "VP8 ") && b.size() >= 30 && b[23] == 0x9D && b[24] == 0x01 &&
      b[25] == 0x2A) {
    info.width = Le16(&b[26]) & 0x3FFF;
    info.height = Le16(&b[28]) & 0x3FFF;
  } else if (StartsWith(b, 12, "VP8L") && b.size() >= 25 && b[20] == 0x2F) {
    const std::uint32_t bits = Le32(&b[21]);
    info.width = (bits & 0x3FFF) + 1;
    info.height = ((bits >> 14) & 0x3FFF) + 1;
  } else if (StartsWith(b, 12, "VP8X") && b.size() >= 30) {
    info.width = Le24(&b[24]) + 1;
    info.height = Le24(&b[27]) + 1;
  }
  if (info.width == 0 || info.height == 0) Damaged(ImageFormat::kWebp);
  return info;
}

}  // namespace

ImageInfo ProbeImage(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) throw ImageError("The attachment is empty: there is no image to search.");
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    return ProbeJpeg(bytes);
  }
  if (StartsWith(bytes, 0, "\x89PNG\r\n\x1A\n")) return ProbePng(bytes);
  if (StartsWith(bytes, 0, "RIFF") && StartsWith(bytes, 8, "WEBP")) return ProbeWebp(bytes);
  throw ImageError("The attachment is not a JPEG, PNG or WebP image.");
}

cv::Mat DecodeImage(std::span<const std::uint8_t> bytes, std::size_t max_pixels) {
  const ImageInfo info = ProbeImage(bytes);
  const std::uint64_t pixels = std::uint64_t{info.width} * info.height;
  if (pixels > max_pixels) {
    throw ImageError("The " + std::string(Name(info.format)) + " image is " +
                     std::to_string(info.width) + " x " + std::to_string(info.height) +
                     " pixels, more than the " + PixelCount(max_pixels) +
                     " this desk accepts; please send a smaller copy.");
  }
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw ImageError("The image file is larger than 2 GB; please send a smaller copy.");
  }
  cv::Mat decoded;
  try {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U,
                         const_cast<std::uint8_t*>(bytes.data()));
    decoded = cv::imdecode(buffer, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    throw ImageError("The " + std::string(Name(info.format)) +
                     " image could not be decoded (damaged or unsupported variant).");
  }
  if (decoded.empty() || decoded.type() != CV_8UC3) {
    throw ImageError("The " + std::string(Name(info.format)) +
                     " image could not be decoded (damaged or unsupported variant).");
  }
  // The header said how large it is; the decoder must agree (EXIF rotation may swap the sides).
  if (static_cast<std::uint64_t>(decoded.total()) != pixels) {
    throw ImageError("The " + std::string(Name(info.format)) +
                     " image is inconsistent: its header and its pixels disagree on its size.");
  }
  return decoded;
}

dlib::matrix<dlib::rgb_pixel> ToDlibRgb(const cv::Mat& bgr) {
  CV_Assert(bgr.type() == CV_8UC3);
  dlib::matrix<dlib::rgb_pixel> rgb(bgr.rows, bgr.cols);
  for (int r = 0; r < bgr.rows; ++r) {
    const auto* in = bgr.ptr<cv::Vec3b>(r);
    for (int c = 0; c < bgr.cols; ++c) rgb(r, c) = dlib::rgb_pixel(in[c][2], in[c][1], in[c][0]);
  }
  return rgb;
}

}  // namespace rtcc::matcher
