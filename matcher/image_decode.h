// Image decoding for the matcher: sniff the format and read the dimensions from the header, refuse
// what is not an image this desk reads or is too large, and only then decode it (OpenCV; libheif
// for HEIC/HEIF/AVIF), turned upright as its EXIF orientation (or its HEIF transforms) says.
// Internal to matcher/ (it exposes cv::Mat and dlib types); FaceEngine::AnalyzeProbe is the public
// entry point.
#pragma once

#include <dlib/matrix.h>
#include <dlib/pixel.h>

#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <span>

#include "matcher/image_metadata.h"

namespace rtcc::matcher {

enum class ImageFormat { kJpeg, kPng, kWebp, kTiff, kBmp, kHeic, kHeif, kAvif };

// "JPEG", "PNG", "WebP", "TIFF", "BMP", "HEIC", "HEIF", "AVIF".
const char* FormatName(ImageFormat format);

struct ImageInfo {
  ImageFormat format = ImageFormat::kJpeg;
  std::uint32_t width = 0;  // as stored, before any EXIF rotation (HEIF: after its transforms)
  std::uint32_t height = 0;
};

// Reads the format and the dimensions from the header, without decoding any pixel (for HEIF the
// container is parsed by libheif, which reads boxes, not the coded image). Throws ImageError when
// the bytes are empty, not an image this desk reads (the message names what they are when that is
// known: a PDF, a GIF, a video...), or the header is damaged.
ImageInfo ProbeImage(std::span<const std::uint8_t> bytes);

struct DecodedImage {
  cv::Mat bgr;  // 8-bit BGR, upright
  ImageInfo info;
  ImageMetadata metadata;
  // The EXIF orientation that was applied to the pixels (1 = none). HEIF files are turned by
  // libheif from their own irot/imir boxes, so this stays 1 for them whatever their EXIF says.
  int applied_orientation = 1;
};

// ProbeImage, then refuses more than `max_pixels` (ImageError, before any pixel is decoded), then
// decodes to 8-bit BGR (grey and alpha images are converted) and turns it upright. Never returns
// an empty Mat.
DecodedImage DecodeProbe(std::span<const std::uint8_t> bytes, std::size_t max_pixels);

// DecodeProbe(...).bgr.
cv::Mat DecodeImage(std::span<const std::uint8_t> bytes, std::size_t max_pixels);

// Turns `image` as EXIF orientation `orientation` (1-8) says, so that it displays upright.
cv::Mat ApplyOrientation(const cv::Mat& image, int orientation);

// OpenCV's 8-bit BGR to dlib's RGB (what dlib's detector, landmarks and network expect).
dlib::matrix<dlib::rgb_pixel> ToDlibRgb(const cv::Mat& bgr);

// dlib's RGB back to OpenCV's 8-bit BGR.
cv::Mat ToBgr(const dlib::matrix<dlib::rgb_pixel>& rgb);

}  // namespace rtcc::matcher
