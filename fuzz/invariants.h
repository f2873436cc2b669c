// What both fuzz targets check besides ASan and UBSan: contracts of the parsers, with oracles
// written independently of the code under test.
#pragma once

#include <cstddef>
#include <string_view>

namespace rtcc::fuzz {

// Well-formed UTF-8 (RFC 3629 section 4), checked independently of base/utf8.cc.
inline bool IsUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = b(0);
    std::size_t len = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if ((b(k) & 0xC0) != 0x80) return false;
    if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F) || (c == 0xF0 && b(1) < 0x90) ||
        (c == 0xF4 && b(1) > 0x8F))
      return false;
    i += len;
  }
  return true;
}

inline void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace rtcc::fuzz
