#include "testing/base64.h"

#include <mimetic/codec/base64.h>
#include <mimetic/codec/codec.h>

#include <iterator>

namespace rtcc::testing {

std::string Base64Lines(std::string_view bytes, std::size_t line_length, std::string_view eol) {
  std::string flat;
  flat.reserve(bytes.size() / 3 * 4 + 4);
  mimetic::Base64::Encoder encoder(0);  // 0: no line breaks
  mimetic::encode(bytes.begin(), bytes.end(), encoder, std::back_inserter(flat));
  if (line_length == 0) return flat;
  std::string out;
  out.reserve(flat.size() + flat.size() / line_length * eol.size() + eol.size());
  for (std::size_t i = 0; i < flat.size(); i += line_length)
    out.append(flat, i, line_length).append(eol);
  return out;
}

std::string FromBase64(std::string_view text) {
  std::string out;
  mimetic::Base64::Decoder decoder;
  mimetic::decode(text.begin(), text.end(), decoder, std::back_inserter(out));
  return out;
}

}  // namespace rtcc::testing
