// Test helpers: real photos from ../shared/faces turned into the files
// probes arrive as (EXIF-tagged JPEGs, HEIC, TIFF, BMP...), made at test time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace rtcc::testing {

std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& file);

// A real face (../shared/faces/ageitgey/obama.jpg) enlarged and saved as a JPEG (quality 95) of at
// least `min_bytes`: the size of a phone photo, for benchmarks and large-message tests.
std::string LargeFaceJpeg(std::size_t min_bytes);

// cv::imencode, failing the test when OpenCV cannot write `ext`.
std::vector<std::uint8_t> Encode(const cv::Mat& image, const std::string& ext,
                                 const std::vector<int>& params = {});

// The same image file with these EXIF tags set (exiv2), e.g. {"Exif.Image.Orientation", "6"},
// {"Exif.Image.Software", "Adobe Photoshop 25.0"}.
std::vector<std::uint8_t> WithExif(std::span<const std::uint8_t> image,
                                   const std::vector<std::pair<std::string, std::string>>& tags);

// The inverse of EXIF orientation `orientation` (1-8) applied to an upright image: the pixels a
// camera stores for that tag.
cv::Mat StoredFor(const cv::Mat& upright, int orientation);

enum class HeifCodec { kHevc, kAv1 };

// Encodes `bgr` with libheif (HEIC with x265, or AVIF with aom), with the HEIF orientation
// `orientation` (1-8, written as irot/imir boxes) and these EXIF tags. Nothing when this libheif
// has no encoder for `codec`.
std::optional<std::vector<std::uint8_t>> EncodeHeif(
    const cv::Mat& bgr, HeifCodec codec, int orientation = 1,
    const std::vector<std::pair<std::string, std::string>>& exif = {});

}  // namespace rtcc::testing
