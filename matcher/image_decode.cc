#include "matcher/image_decode.h"

#include <libheif/heif.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

constexpr char kAccepted[] = "JPEG, PNG, WebP, TIFF, BMP, HEIC/HEIF or AVIF";

// "50 megapixels", "2.5 megapixels", "40000 pixels".
std::string PixelCount(std::uint64_t pixels) {
  if (pixels < 1'000'000) return std::to_string(pixels) + " pixels";
  const std::uint64_t tenths = (pixels + 50'000) / 100'000;
  std::string text = std::to_string(tenths / 10);
  if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
  return text + " megapixels";
}

[[noreturn]] void Damaged(ImageFormat f) {
  throw ImageError(std::string("The ") + FormatName(f) +
                   " image is damaged or truncated: its size could not be read.");
}

[[noreturn]] void Undecodable(ImageFormat f) {
  throw ImageError(std::string("The ") + FormatName(f) +
                   " image could not be decoded (damaged or unsupported variant).");
}

void CheckPixelCap(ImageFormat f, std::uint64_t width, std::uint64_t height,
                   std::size_t max_pixels) {
  if (width * height > max_pixels) {
    throw ImageError(std::string("The ") + FormatName(f) + " image is " + std::to_string(width) +
                     " x " + std::to_string(height) + " pixels, more than the " +
                     PixelCount(max_pixels) + " this desk accepts; please send a smaller copy.");
  }
}

ImageInfo Sized(ImageFormat f, std::uint64_t width, std::uint64_t height) {
  if (width == 0 || height == 0 || width > INT_MAX || height > INT_MAX) Damaged(f);
  return {f, static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height)};
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
      return Sized(ImageFormat::kJpeg, Be16(&b[i + 5]), Be16(&b[i + 3]));
    }
    i += length;
  }
  Damaged(ImageFormat::kJpeg);
}

ImageInfo ProbePng(std::span<const std::uint8_t> b) {
  // Signature (8), then the IHDR chunk: length (4), "IHDR", width (4), height (4), big-endian.
  if (b.size() < 24 || !StartsWith(b, 12, "IHDR")) Damaged(ImageFormat::kPng);
  return Sized(ImageFormat::kPng, Be32(&b[16]), Be32(&b[20]));
}

ImageInfo ProbeWebp(std::span<const std::uint8_t> b) {
  // "RIFF" size "WEBP", then the first chunk: simple lossy (VP8), lossless (VP8L) or extended
  // (VP8X).
  std::uint32_t width = 0, height = 0;
  if (StartsWith(b, 12, "VP8 ") && b.size() >= 30 && b[23] == 0x9D && b[24] == 0x01 &&
      b[25] == 0x2A) {
    width = Le16(&b[26]) & 0x3FFF;
    height = Le16(&b[28]) & 0x3FFF;
  } else if (StartsWith(b, 12, "VP8L") && b.size() >= 25 && b[20] == 0x2F) {
    const std::uint32_t bits = Le32(&b[21]);
    width = (bits & 0x3FFF) + 1;
    height = ((bits >> 14) & 0x3FFF) + 1;
  } else if (StartsWith(b, 12, "VP8X") && b.size() >= 30) {
    width = Le24(&b[24]) + 1;
    height = Le24(&b[27]) + 1;
  }
  return Sized(ImageFormat::kWebp, width, height);
}

// TIFF (classic, 32-bit offsets) and BigTIFF (64-bit offsets): the ImageWidth (256) and
// ImageLength (257) entries of the first IFD, the page OpenCV decodes.
ImageInfo ProbeTiff(std::span<const std::uint8_t> b) {
  const bool le = b[0] == 'I';
  const auto u16 = [&](std::size_t at) -> std::uint64_t {
    return le ? Le16(&b[at]) : Be16(&b[at]);
  };
  const auto u32 = [&](std::size_t at) -> std::uint64_t {
    return le ? Le32(&b[at]) : Be32(&b[at]);
  };
  const auto u64 = [&](std::size_t at) -> std::uint64_t {
    return le ? (u32(at + 4) << 32 | u32(at)) : (u32(at) << 32 | u32(at + 4));
  };
  const std::size_t n = b.size();
  if (n < 8) Damaged(ImageFormat::kTiff);
  const bool big = u16(2) == 43;
  std::uint64_t ifd = 0, count = 0;
  std::size_t entry_size = 12, first_entry = 0;
  if (big) {
    if (n < 16 || u16(4) != 8) Damaged(ImageFormat::kTiff);
    ifd = u64(8);
    if (ifd > n || n - ifd < 8) Damaged(ImageFormat::kTiff);
    count = u64(ifd);
    entry_size = 20;
    first_entry = ifd + 8;
  } else {
    ifd = u32(4);
    if (ifd > n || n - ifd < 2) Damaged(ImageFormat::kTiff);
    count = u16(ifd);
    first_entry = ifd + 2;
  }
  std::uint64_t width = 0, height = 0;
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t at = first_entry + k * entry_size;
    if (at > n || n - at < entry_size) break;
    const std::uint64_t tag = u16(at), type = u16(at + 2);
    if (tag != 256 && tag != 257) continue;
    const std::size_t value_at = at + (big ? 12 : 8);
    std::uint64_t value = 0;
    if (type == 3) {
      value = u16(value_at);  // SHORT
    } else if (type == 4) {
      value = u32(value_at);  // LONG
    } else if (type == 16 && big) {
      value = u64(value_at);  // LONG8
    } else {
      Damaged(ImageFormat::kTiff);
    }
    (tag == 256 ? width : height) = value;
  }
  return Sized(ImageFormat::kTiff, width, height);
}

// BITMAPFILEHEADER (14 bytes), then the DIB header: OS/2 1.x (12 bytes, 16-bit sides) or
// Windows 3.x and later (32-bit signed sides; a negative height means top-down rows).
ImageInfo ProbeBmp(std::span<const std::uint8_t> b) {
  if (b.size() < 26) Damaged(ImageFormat::kBmp);
  const std::uint32_t dib = Le32(&b[14]);
  if (dib == 12) return Sized(ImageFormat::kBmp, Le16(&b[18]), Le16(&b[20]));
  if (dib < 16) Damaged(ImageFormat::kBmp);
  const auto width = static_cast<std::int32_t>(Le32(&b[18]));
  const auto height = static_cast<std::int32_t>(Le32(&b[22]));
  if (width <= 0 || height == 0 || height == INT32_MIN) Damaged(ImageFormat::kBmp);
  return Sized(ImageFormat::kBmp, static_cast<std::uint64_t>(width),
               static_cast<std::uint64_t>(height < 0 ? -std::int64_t{height} : height));
}

// ISO base media files start with an "ftyp" box: major brand, minor version, compatible brands.
bool IsIsoMedia(std::span<const std::uint8_t> b) { return StartsWith(b, 4, "ftyp"); }

// The still-image format an ISO media file declares, or nothing (a video, or another kind).
std::optional<ImageFormat> HeifKind(std::span<const std::uint8_t> b) {
  if (b.size() < 16) return std::nullopt;
  const std::size_t box = std::min<std::size_t>(Be32(&b[0]), b.size());
  std::vector<std::string_view> brands;
  const auto brand_at = [&](std::size_t at) {
    return std::string_view(reinterpret_cast<const char*>(&b[at]), 4);
  };
  brands.push_back(brand_at(8));
  for (std::size_t at = 16; at + 4 <= box; at += 4) brands.push_back(brand_at(at));
  constexpr std::array<std::string_view, 8> kHevc = {"heic", "heix", "hevc", "hevx",
                                                     "heim", "heis", "hevm", "hevs"};
  constexpr std::array<std::string_view, 2> kAv1 = {"avif", "avis"};
  constexpr std::array<std::string_view, 2> kGeneric = {"mif1", "msf1"};
  const auto in = [](std::string_view brand, const auto& list) {
    return std::find(list.begin(), list.end(), brand) != list.end();
  };
  // The major brand decides; the compatible brands when it is a generic one.
  for (const std::string_view brand : brands) {
    if (in(brand, kHevc)) return ImageFormat::kHeic;
    if (in(brand, kAv1)) return ImageFormat::kAvif;
  }
  for (const std::string_view brand : brands) {
    if (in(brand, kGeneric)) return ImageFormat::kHeif;
  }
  return std::nullopt;
}

struct HeifContextDeleter {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HeifHandleDeleter {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct HeifImageDeleter {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct HeifOptionsDeleter {
  void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
};

// A parsed HEIF container and its primary image. `bytes` must outlive it (no copy is made).
struct HeifFile {
  std::unique_ptr<heif_context, HeifContextDeleter> context;
  std::unique_ptr<heif_image_handle, HeifHandleDeleter> primary;
};

HeifFile OpenHeif(std::span<const std::uint8_t> b, ImageFormat f) {
  HeifFile file;
  file.context.reset(heif_context_alloc());
  if (!file.context) throw ImageError("The HEIF reader could not be started.");
  heif_error err =
      heif_context_read_from_memory_without_copy(file.context.get(), b.data(), b.size(), nullptr);
  if (err.subcode == heif_suberror_Security_limit_exceeded) {
    // libheif refuses sizes over its own limit (32768 per side in 1.15) while reading the header.
    throw ImageError(std::string("The ") + FormatName(f) +
                     " image declares a size larger than any photo this desk accepts; please send "
                     "a smaller copy.");
  }
  if (err.code != heif_error_Ok) Damaged(f);
  heif_image_handle* handle = nullptr;
  err = heif_context_get_primary_image_handle(file.context.get(), &handle);
  if (err.code != heif_error_Ok || handle == nullptr) Damaged(f);
  file.primary.reset(handle);
  return file;
}

ImageInfo ProbeHeif(std::span<const std::uint8_t> b, ImageFormat f) {
  const HeifFile file = OpenHeif(b, f);
  return Sized(
      f, static_cast<std::uint64_t>(std::max(0, heif_image_handle_get_width(file.primary.get()))),
      static_cast<std::uint64_t>(std::max(0, heif_image_handle_get_height(file.primary.get()))));
}

// The EXIF of the primary image (its Exif item: a 4-byte offset, then a TIFF structure), read
// through libheif, which finds the item wherever the file's boxes put it.
ImageMetadata HeifExif(std::span<const std::uint8_t> b, ImageFormat f) {
  const HeifFile file = OpenHeif(b, f);
  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(file.primary.get(), "Exif", &id, 1) != 1) {
    return {};
  }
  const std::size_t size = heif_image_handle_get_metadata_size(file.primary.get(), id);
  if (size < 4 || size > 16 * 1024 * 1024) return {};
  std::vector<std::uint8_t> block(size);
  if (heif_image_handle_get_metadata(file.primary.get(), id, block.data()).code != heif_error_Ok) {
    return {};
  }
  const std::size_t offset = Be32(block.data());
  if (offset > size - 4) return {};
  return ReadExifBlock(std::span<const std::uint8_t>(block).subspan(4 + offset));
}

// Decodes the primary image, turned as its irot/imir/clap boxes say (libheif applies them).
cv::Mat DecodeHeif(std::span<const std::uint8_t> b, ImageFormat f, std::size_t max_pixels) {
  const HeifFile file = OpenHeif(b, f);
  heif_image_handle* handle = file.primary.get();
  // The coded size before cropping and rotation ('ispe'): what the decoder allocates.
  CheckPixelCap(f,
                static_cast<std::uint64_t>(std::max(0, heif_image_handle_get_ispe_width(handle))),
                static_cast<std::uint64_t>(std::max(0, heif_image_handle_get_ispe_height(handle))),
                max_pixels);
  const std::unique_ptr<heif_decoding_options, HeifOptionsDeleter> options(
      heif_decoding_options_alloc());
  heif_image* raw = nullptr;
  const heif_error err = heif_decode_image(handle, &raw, heif_colorspace_RGB,
                                           heif_chroma_interleaved_RGB, options.get());
  const std::unique_ptr<heif_image, HeifImageDeleter> image(raw);
  if (err.code == heif_error_Unsupported_feature || err.code == heif_error_Unsupported_filetype) {
    throw ImageError(std::string("The ") + FormatName(f) +
                     " image uses a coding this desk cannot decode (" + err.message +
                     "); please send it as JPEG.");
  }
  if (err.code != heif_error_Ok || !image) Undecodable(f);
  int stride = 0;
  const std::uint8_t* plane =
      heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
  const int width = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int height = heif_image_get_height(image.get(), heif_channel_interleaved);
  if (plane == nullptr || width <= 0 || height <= 0 ||
      heif_image_get_bits_per_pixel(image.get(), heif_channel_interleaved) != 24) {
    Undecodable(f);
  }
  const cv::Mat rgb(height, width, CV_8UC3, const_cast<std::uint8_t*>(plane),
                    static_cast<std::size_t>(stride));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);  // copies out of libheif's buffer
  return bgr;
}

}  // namespace

const char* FormatName(ImageFormat f) {
  switch (f) {
    case ImageFormat::kJpeg:
      return "JPEG";
    case ImageFormat::kPng:
      return "PNG";
    case ImageFormat::kWebp:
      return "WebP";
    case ImageFormat::kTiff:
      return "TIFF";
    case ImageFormat::kBmp:
      return "BMP";
    case ImageFormat::kHeic:
      return "HEIC";
    case ImageFormat::kHeif:
      return "HEIF";
    case ImageFormat::kAvif:
      return "AVIF";
  }
  return "?";
}

ImageInfo ProbeImage(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) throw ImageError("The attachment is empty: there is no image to search.");
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    return ProbeJpeg(bytes);
  }
  if (StartsWith(bytes, 0, "\x89PNG\r\n\x1A\n")) return ProbePng(bytes);
  if (StartsWith(bytes, 0, "RIFF") && StartsWith(bytes, 8, "WEBP")) return ProbeWebp(bytes);
  if (StartsWith(bytes, 0, std::string_view("II*\0", 4)) ||
      StartsWith(bytes, 0, std::string_view("MM\0*", 4)) ||
      StartsWith(bytes, 0, std::string_view("II+\0", 4)) ||
      StartsWith(bytes, 0, std::string_view("MM\0+", 4))) {
    return ProbeTiff(bytes);
  }
  if (StartsWith(bytes, 0, "BM")) return ProbeBmp(bytes);
  if (IsIsoMedia(bytes)) {
    if (const auto kind = HeifKind(bytes)) return ProbeHeif(bytes, *kind);
    throw ImageError(
        "The attachment is a video or other media file, not a still image: please send a "
        "still photo (a frame saved as JPEG) instead.");
  }
  // Name what it is when that is known, so the requestor knows what to send instead.
  std::string what;
  if (StartsWith(bytes, 0, "%PDF")) {
    what = "a PDF document";
  } else if (StartsWith(bytes, 0, "GIF8")) {
    what = "a GIF image, which this desk cannot read";
  } else if (StartsWith(bytes, 0, "PK\x03\x04")) {
    what = "a ZIP archive or an Office document";
  }
  if (!what.empty()) {
    throw ImageError("The attachment is " + what + ", not a photo this desk can read (" +
                     kAccepted + "): please send the photo itself.");
  }
  throw ImageError(std::string("The attachment is not an image this desk can read (") + kAccepted +
                   ").");
}

cv::Mat ApplyOrientation(const cv::Mat& image, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:  // mirrored left-right
      cv::flip(image, out, 1);
      return out;
    case 3:  // upside down
      cv::rotate(image, out, cv::ROTATE_180);
      return out;
    case 4:  // mirrored top-bottom
      cv::flip(image, out, 0);
      return out;
    case 5:  // mirrored along the main diagonal
      cv::transpose(image, out);
      return out;
    case 6:  // stored turned 90 degrees anticlockwise: turn it clockwise
      cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE);
      return out;
    case 7:  // mirrored along the anti-diagonal
      cv::transpose(image, out);
      cv::flip(out, out, -1);
      return out;
    case 8:  // stored turned 90 degrees clockwise: turn it anticlockwise
      cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      return out;
    default:
      return image;
  }
}

DecodedImage DecodeProbe(std::span<const std::uint8_t> bytes, std::size_t max_pixels) {
  DecodedImage out;
  out.info = ProbeImage(bytes);
  const ImageFormat f = out.info.format;
  CheckPixelCap(f, out.info.width, out.info.height, max_pixels);
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw ImageError("The image file is larger than 2 GB; please send a smaller copy.");
  }
  if (f == ImageFormat::kHeic || f == ImageFormat::kHeif || f == ImageFormat::kAvif) {
    out.metadata = HeifExif(bytes, f);
    out.bgr = DecodeHeif(bytes, f, max_pixels);
  } else {
    out.metadata = ReadImageMetadata(bytes);
    try {
      const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U,
                           const_cast<std::uint8_t*>(bytes.data()));
      // The orientation is applied below, the same way for every format.
      out.bgr = cv::imdecode(buffer, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
    } catch (const cv::Exception&) {
      Undecodable(f);
    }
    if (out.bgr.empty() || out.bgr.type() != CV_8UC3) Undecodable(f);
    // The header said how large it is; the decoder must agree.
    if (out.bgr.cols != static_cast<int>(out.info.width) ||
        out.bgr.rows != static_cast<int>(out.info.height)) {
      throw ImageError(std::string("The ") + FormatName(f) +
                       " image is inconsistent: its header and its pixels disagree on its size.");
    }
    if (out.metadata.orientation > 1) {
      out.bgr = ApplyOrientation(out.bgr, out.metadata.orientation);
      out.applied_orientation = out.metadata.orientation;
    }
  }
  if (out.bgr.empty()) Undecodable(f);
  return out;
}

cv::Mat DecodeImage(std::span<const std::uint8_t> bytes, std::size_t max_pixels) {
  return DecodeProbe(bytes, max_pixels).bgr;
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

cv::Mat ToBgr(const dlib::matrix<dlib::rgb_pixel>& rgb) {
  cv::Mat bgr(static_cast<int>(rgb.nr()), static_cast<int>(rgb.nc()), CV_8UC3);
  for (int r = 0; r < bgr.rows; ++r) {
    auto* out = bgr.ptr<cv::Vec3b>(r);
    for (int c = 0; c < bgr.cols; ++c) {
      const dlib::rgb_pixel& p = rgb(r, c);
      out[c] = cv::Vec3b(p.blue, p.green, p.red);
    }
  }
  return bgr;
}

}  // namespace rtcc::matcher
