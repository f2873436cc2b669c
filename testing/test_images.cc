#include "testing/test_images.h"

#include <gtest/gtest.h>
#include <libheif/heif.h>

#include <exiv2/exiv2.hpp>
#include <fstream>
#include <iterator>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

// LeakSanitizer (the sanitizer build): libx265, which libheif uses to make the HEIC test photos,
// keeps internal allocations for the life of the process. Test data only: rtcc never encodes.
// Defined here, once, for every test binary that makes HEIC photos.
extern "C" const char* __lsan_default_suppressions() { return "leak:libx265.so\n"; }

namespace rtcc::testing {

std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  EXPECT_TRUE(in) << file;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> Encode(const cv::Mat& image, const std::string& ext,
                                 const std::vector<int>& params) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(cv::imencode(ext, image, out, params)) << ext;
  return out;
}

namespace {

void SetTags(Exiv2::ExifData& exif, const std::vector<std::pair<std::string, std::string>>& tags) {
  for (const auto& [key, value] : tags) exif[key] = value;
}

}  // namespace

std::vector<std::uint8_t> WithExif(std::span<const std::uint8_t> image,
                                   const std::vector<std::pair<std::string, std::string>>& tags) {
  const Exiv2::Image::AutoPtr file =
      Exiv2::ImageFactory::open(image.data(), static_cast<long>(image.size()));
  file->readMetadata();
  SetTags(file->exifData(), tags);
  file->writeMetadata();
  Exiv2::BasicIo& io = file->io();
  io.seek(0, Exiv2::BasicIo::beg);
  const Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
  return {buf.pData_, buf.pData_ + buf.size_};
}

cv::Mat StoredFor(const cv::Mat& upright, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:
      cv::flip(upright, out, 1);
      return out;
    case 3:
      cv::rotate(upright, out, cv::ROTATE_180);
      return out;
    case 4:
      cv::flip(upright, out, 0);
      return out;
    case 5:
      cv::transpose(upright, out);
      return out;
    case 6:  // displayed = stored turned clockwise, so stored = upright turned anticlockwise
      cv::rotate(upright, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      return out;
    case 7:
      cv::flip(upright, out, -1);
      cv::transpose(out, out);
      return out;
    case 8:
      cv::rotate(upright, out, cv::ROTATE_90_CLOCKWISE);
      return out;
    default:
      return upright.clone();
  }
}

std::optional<std::vector<std::uint8_t>> EncodeHeif(
    const cv::Mat& bgr, HeifCodec codec, int orientation,
    const std::vector<std::pair<std::string, std::string>>& exif) {
  const heif_compression_format format =
      codec == HeifCodec::kHevc ? heif_compression_HEVC : heif_compression_AV1;
  if (!heif_have_encoder_for_format(format)) return std::nullopt;
  const std::unique_ptr<heif_context, void (*)(heif_context*)> ctx(heif_context_alloc(),
                                                                   heif_context_free);
  heif_encoder* raw_encoder = nullptr;
  if (heif_context_get_encoder_for_format(ctx.get(), format, &raw_encoder).code != heif_error_Ok) {
    return std::nullopt;
  }
  const std::unique_ptr<heif_encoder, void (*)(heif_encoder*)> encoder(raw_encoder,
                                                                       heif_encoder_release);
  heif_encoder_set_lossy_quality(encoder.get(), 90);
  heif_image* raw_image = nullptr;
  EXPECT_EQ(heif_image_create(bgr.cols, bgr.rows, heif_colorspace_RGB, heif_chroma_interleaved_RGB,
                              &raw_image)
                .code,
            heif_error_Ok);
  const std::unique_ptr<heif_image, void (*)(const heif_image*)> image(raw_image,
                                                                       heif_image_release);
  EXPECT_EQ(heif_image_add_plane(image.get(), heif_channel_interleaved, bgr.cols, bgr.rows, 8).code,
            heif_error_Ok);
  int stride = 0;
  std::uint8_t* plane = heif_image_get_plane(image.get(), heif_channel_interleaved, &stride);
  cv::Mat rgb(bgr.rows, bgr.cols, CV_8UC3, plane, static_cast<std::size_t>(stride));
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);  // writes into libheif's plane

  heif_encoding_options* options = heif_encoding_options_alloc();
  options->image_orientation = static_cast<heif_orientation>(orientation);
  heif_image_handle* handle = nullptr;
  const heif_error encoded =
      heif_context_encode_image(ctx.get(), image.get(), encoder.get(), options, &handle);
  heif_encoding_options_free(options);
  EXPECT_EQ(encoded.code, heif_error_Ok) << encoded.message;
  if (encoded.code != heif_error_Ok) return std::nullopt;
  if (!exif.empty()) {
    Exiv2::ExifData data;
    SetTags(data, exif);
    Exiv2::Blob tiff;
    Exiv2::ExifParser::encode(tiff, Exiv2::littleEndian, data);
    EXPECT_EQ(heif_context_add_exif_metadata(ctx.get(), handle, tiff.data(),
                                             static_cast<int>(tiff.size()))
                  .code,
              heif_error_Ok);
  }
  heif_image_handle_release(handle);

  std::vector<std::uint8_t> out;
  heif_writer writer{};
  writer.writer_api_version = 1;
  writer.write = [](heif_context*, const void* data, size_t size, void* userdata) {
    auto* bytes = static_cast<std::vector<std::uint8_t>*>(userdata);
    const auto* p = static_cast<const std::uint8_t*>(data);
    bytes->insert(bytes->end(), p, p + size);
    return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
  };
  EXPECT_EQ(heif_context_write(ctx.get(), &writer, &out).code, heif_error_Ok);
  return out;
}

std::string LargeFaceJpeg(std::size_t min_bytes) {
  const std::string path = std::string(RTCC_TEST_FACES_DIR) + "/ageitgey/obama.jpg";
  cv::Mat face = cv::imread(path);
  if (face.empty()) throw std::runtime_error("test photo missing: " + path);
  std::vector<std::uint8_t> out;
  for (int side = 1200;; side += 200) {
    cv::Mat big;
    cv::resize(face, big, cv::Size(side, side * face.rows / face.cols), 0, 0, cv::INTER_CUBIC);
    cv::imencode(".jpg", big, out, {cv::IMWRITE_JPEG_QUALITY, 95});
    if (out.size() >= min_bytes) break;
  }
  return std::string(out.begin(), out.end());
}

}  // namespace rtcc::testing
