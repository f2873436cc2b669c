// SHA-256 (OpenSSL EVP) as lowercase hex: image identity in the gallery, model file checks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace rtcc::matcher {

std::string Sha256Hex(std::span<const std::uint8_t> bytes);

// Streams the file. Throws std::runtime_error naming the file when it cannot be read.
std::string Sha256HexOfFile(const std::filesystem::path& file);

}  // namespace rtcc::matcher
