// What an image file says about itself (EXIF / XMP, read with exiv2): orientation, camera, the
// program that saved it. Internal to matcher/; FaceEngine::AnalyzeProbe reports it as ImageFacts.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace rtcc::matcher {

struct ImageMetadata {
  bool has_exif = false;  // any EXIF tag at all
  int orientation = 0;    // Exif.Image.Orientation, 1-8; 0 when absent or out of range
  std::string software;   // Exif.Image.Software (the program that last wrote the file)
  std::string camera_make;
  std::string camera_model;
  std::string taken_at;           // Exif.Photo.DateTimeOriginal, "YYYY:MM:DD HH:MM:SS" as written
  std::string creator_tool;       // Xmp.xmp.CreatorTool (editors write it when Software is absent)
  bool has_edit_history = false;  // XMP xmpMM:History (Photoshop, Lightroom record their edits)
};

// Reads the metadata of a JPEG, PNG, WebP, TIFF or HEIF/HEIC/AVIF file from memory. Never throws:
// a file exiv2 cannot read (damaged metadata, BMP, which has none) gives an empty ImageMetadata.
// Reads only metadata segments, never pixels.
ImageMetadata ReadImageMetadata(std::span<const std::uint8_t> bytes);

// Reads EXIF given as a bare TIFF structure ("II*\0..." or "MM\0*..."), as HEIF files carry it in
// their Exif item. Only the EXIF fields of ImageMetadata are set. Never throws.
ImageMetadata ReadExifBlock(std::span<const std::uint8_t> tiff);

}  // namespace rtcc::matcher
