// Image decoding for the matcher: sniff the format and read the dimensions from the header, refuse
// what is not a JPEG, PNG or WebP or is too large, and only then let OpenCV decode it. Internal to
// matcher/ (it exposes cv::Mat and dlib types); FaceEngine::Analyze is the public entry point.
#pragma once

#include <dlib/matrix.h>
#include <dlib/pixel.h>

#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <span>

namespace rtcc::matcher {

enum class ImageFormat { kJpeg, kPng, kWebp };

struct ImageInfo {
  ImageFormat format = ImageFormat::kJpeg;
  std::uint32_t width = 0;  // as stored, before any EXIF rotation
  std::uint32_t height = 0;
};

// Reads the format and the dimensions from the first bytes, without decoding any pixel. Throws
// ImageError when the bytes are empty, not a JPEG, PNG or WebP, or the header is damaged.
ImageInfo ProbeImage(std::span<const std::uint8_t> bytes);

// ProbeImage, then refuses more than `max_pixels` (ImageError), then decodes to 8-bit BGR (grey and
// alpha images are converted; the JPEG EXIF orientation is applied). Never returns an empty Mat.
cv::Mat DecodeImage(std::span<const std::uint8_t> bytes, std::size_t max_pixels);

// OpenCV's 8-bit BGR to dlib's RGB (what dlib's detector, landmarks and network expect).
dlib::matrix<dlib::rgb_pixel> ToDlibRgb(const cv::Mat& bgr);

}  // namespace rtcc::matcher
