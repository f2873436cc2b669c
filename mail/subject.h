// Subject lines as mail clients write them in replies and forwards.
#pragma once

#include <string>
#include <string_view>

namespace rtcc::mail {

// `subject` without its leading reply and forward prefixes, however many and in whichever of the
// languages investigators' clients write them: "Re:", "Fwd:", "Fw:", "RE[2]:", German "AW:",
// "WG:", Nordic "SV:", "VS:", Dutch "Antw:", Spanish "RV:", Portuguese "RES:", "ENC:", French
// "TR:"; and without surrounding blanks. Linear in the length of the subject.
std::string StripReplyPrefixes(std::string_view subject);

// True when `subject` starts (after blanks and one bracketed tag such as "[EXTERNAL]") with the
// prefix a mail system puts on an automatic reply, followed by a colon: "Automatic reply:" and
// "Out of Office:" (Exchange, Outlook), "Auto-Reply:", "AutoReply:", "Auto Response:", Spanish
// "Respuesta automática:" and "Fuera de la oficina:", French "Réponse automatique:", German
// "Automatische Antwort:" and "Abwesenheitsnotiz:", Italian "Risposta automatica:", Portuguese
// "Resposta automática:"; ASCII letters in any case. Linear in the length of the subject.
bool IsAutoReplySubject(std::string_view subject);

}  // namespace rtcc::mail
