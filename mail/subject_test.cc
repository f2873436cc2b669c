#include "mail/subject.h"

#include <gtest/gtest.h>

#include <string>

namespace rtcc::mail {
namespace {

TEST(Subject, ReplyAndForwardPrefixesOfEveryClientAreStripped) {
  EXPECT_EQ(StripReplyPrefixes("Re: photo"), "photo");
  EXPECT_EQ(StripReplyPrefixes("RE: FW: Fwd: photo"), "photo");
  EXPECT_EQ(StripReplyPrefixes("SV: withdraw"), "withdraw") << "Outlook in Swedish/Norwegian";
  EXPECT_EQ(StripReplyPrefixes("AW: WG: Anfrage"), "Anfrage");
  EXPECT_EQ(StripReplyPrefixes("RV: RE: solicitud"), "solicitud") << "Outlook in Spanish";
  EXPECT_EQ(StripReplyPrefixes("Re[2]: photo"), "photo");
  EXPECT_EQ(StripReplyPrefixes("  re :  photo  "), "photo");
  EXPECT_EQ(StripReplyPrefixes("Re: "), "");
}

TEST(Subject, WordsThatOnlyBeginLikeAPrefixStay) {
  EXPECT_EQ(StripReplyPrefixes("Request: photo"), "Request: photo");
  EXPECT_EQ(StripReplyPrefixes("Trespass: photo"), "Trespass: photo");
  EXPECT_EQ(StripReplyPrefixes("Robbery re: photo"), "Robbery re: photo");
}

TEST(Subject, AutomaticReplySubjectsOfEachVendorAndLanguage) {  // issue 17
  for (const char* s :
       {"Automatic reply: FR request [RTCC-2026-000001]", "Out of Office: FR request",
        "Out of Office AutoReply: photo", "AUTO-REPLY: request", "AutoReply: request",
        "Auto Response: request", "[EXTERNAL] Automatic reply: request",
        "Respuesta autom\xC3\xA1tica: solicitud de reconocimiento", "Respuesta automatica: x",
        "Fuera de la oficina: solicitud", "R\xC3\xA9ponse automatique : demande",
        "Automatische Antwort: Anfrage", "Abwesenheitsnotiz: Anfrage", "Risposta automatica: x",
        "Resposta autom\xC3\xA1tica: pedido"})
    EXPECT_TRUE(IsAutoReplySubject(s)) << s;
  for (const char* s : {"FR request", "Re: Automatic reply: request", "Out of office shooting",
                        "Automatic replies are off", "Auto theft: photo", "", ":"})
    EXPECT_FALSE(IsAutoReplySubject(s)) << s;
  EXPECT_FALSE(IsAutoReplySubject(std::string(1 << 20, ' ') + "x")) << "linear on hostile text";
}

TEST(Subject, HostileSubjectsTakeLinearTime) {
  // Issue 9: 100,000 "Re: Fwd: " prefixes, and a megabyte of blanks before the text.
  std::string prefixes;
  for (int i = 0; i < 100'000; ++i) prefixes += "Re: Fwd: ";
  EXPECT_EQ(StripReplyPrefixes(prefixes + "withdraw"), "withdraw");
  EXPECT_EQ(StripReplyPrefixes(std::string(1 << 20, ' ') + "x"), "x");
}

}  // namespace
}  // namespace rtcc::mail
