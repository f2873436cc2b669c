// What the bytes of an attachment are, whatever the sender declared: libmagic's MIME type.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rtcc::mail {

// The MIME type libmagic reads in `bytes`, lower case: "image/jpeg", "image/heic",
// "application/pdf", "text/plain", "application/x-empty" (no bytes), "application/octet-stream"
// (unknown). Only the first MiB is examined. One libmagic cookie per thread. Throws
// std::runtime_error when libmagic cannot load its database (a broken installation, not bad mail).
std::string SniffMimeType(std::span<const std::uint8_t> bytes);

// True for a sniffed type that is a raster image, i.e. a possible probe photograph: image/*
// (jpeg, png, webp, tiff, bmp, gif, heic, heif, avif, ...) except the vector format image/svg+xml.
bool IsRasterImageType(std::string_view mime_type);

}  // namespace rtcc::mail
