// The labelled fields an investigator writes in a request or reply body:
//   Incident Number: 2026-004512
//   Incident Type: Robbery
//   Purpose: identify a suspect
//   Outcome: positive identification
// Everything else the sender wrote (not quoted text, not a signature) is kept as notes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rtcc::mail {

struct BodyFields {
  std::optional<std::string> incident_number;
  std::optional<std::string> incident_type;
  std::optional<std::string> purpose;
  std::optional<std::string> outcome;
  std::string notes;  // the remaining lines, trimmed; empty if none
};

// Extracts the fields from a text body. Labels are matched case-insensitively at the start of a
// line (after an optional "-", "•" or "·" bullet and '*' emphasis), followed by ':' (e.g.
// "incident no.:", "Incident #:" and "Case Number:" are incident numbers). A field present with
// an empty value is treated as absent. Lines quoted with '>' are ignored, and so is everything
// after a quote header ("On ... wrote:", "-----Original Message-----", "Begin forwarded
// message:"), after the From/Sent/Subject block Outlook writes above the text it quotes without
// '>' (and Gmail/Apple Mail above forwards), or after a signature line ("-- "), so a reply does
// not re-submit the fields rtcc quoted back. The first occurrence of a field wins. Any input,
// however long its lines, is safe.
BodyFields ExtractBodyFields(std::string_view text);

}  // namespace rtcc::mail
