// libFuzzer entry point: any bytes, as a message arriving in the RTCC mailbox, through everything
// rtccd does to an incoming message before the workflow sees it. Besides ASan/UBSan findings, it
// traps on broken promises of the parsers' contracts (UTF-8 output, sniffed image types, dropped
// data of other attachments, Message-IDs on one line).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/invariants.h"
#include "mail/auth_results.h"
#include "mail/automatic_mail.h"
#include "mail/body_fields.h"
#include "mail/encoded_words.h"
#include "mail/message_digest.h"
#include "mail/mime_message.h"

namespace {

using rtcc::fuzz::Check;
using rtcc::fuzz::IsUtf8;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  rtcc::mail::MimeMessage m = rtcc::mail::ParseMimeMessage(input);
  Check(m.raw_size == size);
  Check(IsUtf8(m.text_body) && IsUtf8(m.subject) && IsUtf8(m.from_name) && IsUtf8(m.to));
  for (const auto& image : m.images) {
    Check(image.content_type.rfind("image/", 0) == 0 && image.data.size() == image.size);
    Check(IsUtf8(image.filename));
  }
  for (const auto& other : m.other_attachments) {
    Check(other.data.empty() && other.content_type.rfind("image/", 0) != 0);
    Check(IsUtf8(other.filename));
  }
  // The reply composer writes these back into In-Reply-To and References, and BuildMessage
  // refuses a line break (fuzz/text_fuzzer.cc feeds it ids on that assumption).
  auto one_line = [](const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; };
  Check(one_line(m.message_id) && one_line(m.in_reply_to));
  for (const auto& id : m.references) Check(one_line(id));
  Check(m.is_delivery_report == (m.report_type == "delivery-status"));
  Check(m.delivery_statuses.size() <= 100);
  Check(m.delivery_statuses.empty() || m.is_delivery_report);

  rtcc::mail::BodyFields fields = rtcc::mail::ExtractBodyFields(m.text_body);
  Check(!fields.incident_type || !fields.incident_type->empty());

  rtcc::mail::AuthVerdict ours =
      rtcc::mail::ParseAuthenticationResults(m.authentication_results, "mx.pd.test");
  Check(ours.dkim != "pass" || !ours.dkim_pass_domains.empty() || ours.dkim_domain.empty());
  rtcc::mail::ParseAuthenticationResults(m.authentication_results, "");
  // The header decoders on the raw bytes too, as if they were one header value.
  Check(IsUtf8(rtcc::mail::DecodeEncodedWords(input.substr(0, 8192))));
  Check(IsUtf8(rtcc::mail::DecodeEncodedWords(input.substr(0, 8192), "iso-8859-15")));
  // Issue 17's readers of whole messages: the content digest, the ids a bounce quotes, the
  // automatic-mail verdict (vendor fields, auto-reply and bounce subjects).
  Check(rtcc::mail::ContentDigest(input).size() == 64);
  for (const auto& id : rtcc::mail::MessageIdsIn(input, 50))
    Check(!id.empty() && id.size() <= 250 && id.find_first_of(" <>\r\n") == std::string::npos);
  rtcc::mail::ClassifyAutomatic(m, "rtcc@pd.test");
  rtcc::mail::WorstDeliveryAction(m);
  return 0;
}
