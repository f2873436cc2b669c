#include "matcher/image_metadata.h"

#include <climits>
#include <cstdint>
#include <exception>
#include <exiv2/exiv2.hpp>
#include <mutex>
#include <string_view>

#include "base/strings.h"

namespace rtcc::matcher {
namespace {

// exiv2's process-wide set-up, once: its XMP toolkit must be initialised before threads use it,
// its warnings ("Warning: Directory ... has an unexpected next pointer") would go to stderr, and
// its HEIF/AVIF (BMFF) reader is off unless enabled.
void InitExiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize();
    Exiv2::enableBMFF(true);
  });
}

// EXIF ASCII values come padded with NULs and spaces.
// EXIF strings come padded with NULs and blanks.
std::string Trimmed(std::string_view s) { return base::Trim(s, std::string_view(" \t\n\0", 4)); }

template <typename Data, typename Key>
std::string Text(const Data& data, const char* key) {
  const auto it = data.findKey(Key(key));
  if (it == data.end()) return "";
  return Trimmed(it->toString());
}

void FromExif(const Exiv2::ExifData& exif, ImageMetadata& m) {
  m.has_exif = !exif.empty();
  if (const auto it = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation")); it != exif.end()) {
    const long value = it->toLong();
    if (value >= 1 && value <= 8) m.orientation = static_cast<int>(value);
  }
  m.software = Text<Exiv2::ExifData, Exiv2::ExifKey>(exif, "Exif.Image.Software");
  m.camera_make = Text<Exiv2::ExifData, Exiv2::ExifKey>(exif, "Exif.Image.Make");
  m.camera_model = Text<Exiv2::ExifData, Exiv2::ExifKey>(exif, "Exif.Image.Model");
  m.taken_at = Text<Exiv2::ExifData, Exiv2::ExifKey>(exif, "Exif.Photo.DateTimeOriginal");
}

}  // namespace

ImageMetadata ReadExifBlock(std::span<const std::uint8_t> tiff) {
  ImageMetadata m;
  if (tiff.empty() || tiff.size() > static_cast<std::size_t>(UINT32_MAX)) return m;
  InitExiv2();
  try {
    Exiv2::ExifData exif;
    Exiv2::ExifParser::decode(exif, tiff.data(), static_cast<std::uint32_t>(tiff.size()));
    FromExif(exif, m);
  } catch (const std::exception&) {
    // Damaged EXIF: report what was read.
  }
  return m;
}

ImageMetadata ReadImageMetadata(std::span<const std::uint8_t> bytes) {
  ImageMetadata m;
  if (bytes.empty() || bytes.size() > static_cast<std::size_t>(LONG_MAX)) return m;
  InitExiv2();
  try {
    // MemIo reads the caller's bytes in place (no copy) and never writes them.
    const Exiv2::Image::AutoPtr image =
        Exiv2::ImageFactory::open(bytes.data(), static_cast<long>(bytes.size()));
    if (!image.get()) return m;
    image->readMetadata();
    FromExif(image->exifData(), m);
    const Exiv2::XmpData& xmp = image->xmpData();
    m.creator_tool = Text<Exiv2::XmpData, Exiv2::XmpKey>(xmp, "Xmp.xmp.CreatorTool");
    for (const Exiv2::Xmpdatum& d : xmp) {
      if (std::string_view(d.key()).starts_with("Xmp.xmpMM.History")) {
        m.has_edit_history = true;
        break;
      }
    }
  } catch (const std::exception&) {
    // Damaged or unsupported metadata: the pixels may still decode; report what was read.
  }
  return m;
}

}  // namespace rtcc::matcher
