// SHA-256 (OpenSSL EVP) as lowercase hex: the spool's names, image identity in the gallery, the
// gallery snapshot, the audit trail's chain, model file checks.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace rtcc::base {

// Lowercase hex of `bytes`: {0x0f, 0xa0} -> "0fa0".
std::string Hex(std::span<const unsigned char> bytes);
// True when `s` is 64 lowercase hex digits, as every SHA-256 this project writes.
bool IsSha256Hex(std::string_view s);

// Throws std::runtime_error when OpenSSL cannot compute it (never seen in practice).
std::string Sha256Hex(std::string_view bytes);
std::string Sha256Hex(std::span<const std::uint8_t> bytes);
// Streams the file. Throws std::runtime_error naming the file when it cannot be read.
std::string Sha256HexOfFile(const std::filesystem::path& file);

// SHA-256 over bytes given piece by piece.
class Sha256 {
 public:
  Sha256();
  void Add(const void* data, std::size_t size);
  void Add(std::string_view s) { Add(s.data(), s.size()); }
  // The digest of everything added; the object may not be used after it.
  std::string Hex();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

}  // namespace rtcc::base
