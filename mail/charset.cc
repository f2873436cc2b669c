#include "mail/charset.h"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "base/strings.h"
#include "base/utf8.h"

namespace rtcc::mail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsUtf8Name(std::string_view charset) {
  std::string lower = base::Lower(charset);
  return lower.empty() || lower == "utf-8" || lower == "utf8" || lower == "us-ascii" ||
         lower == "ascii";
}

// The charset name as iconv knows it: without quotes, comments ("us-ascii (Plain text)") or an
// RFC 2231 language ("utf-8*en"). ISO-8859-1 and its aliases are read as windows-1252, as
// browsers and mail clients do (WHATWG Encoding): Outlook labels text with curly quotes and dashes
// (0x91-0x97) ISO-8859-1, where those bytes would be invisible C1 controls.
std::string IconvName(std::string_view charset) {
  auto b = charset.find_first_not_of(" \t\"'");
  if (b == std::string_view::npos) return {};
  charset.remove_prefix(b);
  auto e = charset.find_first_of(" \t\"'(*;");
  std::string name(charset.substr(0, e));
  std::string lower = base::Lower(name);
  if (lower == "iso-8859-1" || lower == "iso8859-1" || lower == "latin1" || lower == "l1" ||
      lower == "iso_8859-1" || lower == "cp819" || lower == "ibm819")
    return "WINDOWS-1252";
  return name;
}

}  // namespace

std::string ToUtf8(std::string_view text, std::string_view charset) {
  std::string name = IconvName(charset);
  if (IsUtf8Name(name)) return base::SanitizeUtf8(text);
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return base::SanitizeUtf8(text);  // unknown charset
  std::string out;
  std::string in(text);
  char* inp = in.data();
  std::size_t inleft = in.size();
  char buf[4096];
  while (inleft > 0) {
    char* outp = buf;
    std::size_t outleft = sizeof buf;
    std::size_t rc = iconv(cd, &inp, &inleft, &outp, &outleft);
    out.append(buf, outp - buf);
    if (rc == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) continue;
      // EILSEQ or EINVAL: skip one byte, mark it, go on.
      out.append(kReplacement);
      ++inp;
      --inleft;
    }
  }
  char* outp = buf;
  std::size_t outleft = sizeof buf;
  iconv(cd, nullptr, nullptr, &outp, &outleft);
  out.append(buf, outp - buf);
  iconv_close(cd);
  // Also iconv's output: glibc passes 5-byte sequences through when source and target are both
  // UTF-8 under names it folds together ("utf&8"; found by fuzz/).
  return base::SanitizeUtf8(out);
}

}  // namespace rtcc::mail
