#include "mail/content_sniffer.h"

#include <magic.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "base/strings.h"

namespace rtcc::mail {
namespace {

// Enough for every image header; libmagic need not read a 20 MB attachment to the end.
constexpr std::size_t kMaxSniffBytes = 1 << 20;

class MagicCookie {
 public:
  MagicCookie() {
    // No decompression (MAGIC_COMPRESS is off) and no looking inside compressed files: only the
    // type of the bytes as they are.
    cookie_ = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF);
    if (cookie_ && magic_load(cookie_, nullptr) != 0) {
      error_ = magic_error(cookie_) ? magic_error(cookie_) : "magic_load failed";
      magic_close(cookie_);
      cookie_ = nullptr;
    } else if (!cookie_) {
      error_ = "magic_open failed";
    }
  }
  ~MagicCookie() {
    if (cookie_) magic_close(cookie_);
  }
  MagicCookie(const MagicCookie&) = delete;
  MagicCookie& operator=(const MagicCookie&) = delete;

  magic_t get() const {
    if (!cookie_) throw std::runtime_error("libmagic unavailable: " + error_);
    return cookie_;
  }

 private:
  magic_t cookie_ = nullptr;
  std::string error_;
};

}  // namespace

std::string SniffMimeType(std::span<const std::uint8_t> bytes) {
  thread_local MagicCookie cookie;
  magic_t m = cookie.get();
  if (bytes.empty()) return "application/x-empty";
  const char* type = magic_buffer(m, bytes.data(), std::min(bytes.size(), kMaxSniffBytes));
  if (!type) return "application/octet-stream";
  return base::Lower(type);
}

bool IsRasterImageType(std::string_view t) {
  return t.size() > 6 && t.substr(0, 6) == "image/" && t != "image/svg+xml";
}

}  // namespace rtcc::mail
