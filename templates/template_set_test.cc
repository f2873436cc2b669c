#include "templates/template_set.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace rtcc::templates {
namespace {

const std::vector<std::string> kAll = {"acknowledgement", "needs_info",       "denied",
                                       "results",         "outcome_recorded", "outcome_unclear"};

TEST(TemplateSet, ShippedTemplatesLoadAndRenderPlainText) {
  TemplateSet set(RTCC_TEMPLATES_DIR, kAll);
  mstch::map ctx{
      {"base_subject", std::string("Photo <from> Smith & Co")},
      {"request_id", std::string("RTCC-2026-000001")},
      {"greeting", std::string("Det. O'Brien")},
      {"missing", mstch::array{std::string("the incident type"), std::string("a probe")}},
      {"signature", std::string("RTCC")}};
  RenderedText t = set.Render("needs_info", ctx);
  EXPECT_EQ(t.subject, "Re: Photo <from> Smith & Co [RTCC-2026-000001] - information needed");
  EXPECT_NE(t.body.find("Det. O'Brien,"), std::string::npos) << "no HTML escaping in mail";
  EXPECT_NE(t.body.find("  - the incident type\n  - a probe\n"), std::string::npos) << t.body;
}

TEST(TemplateSet, MissingTemplatesAreNamed) {
  auto dir = std::filesystem::temp_directory_path() / ("rtcc-tpl-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "results.mustache") << "no subject line\n";
  try {
    TemplateSet set(dir, {"results", "denied"});
    FAIL() << "expected TemplateError";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("results.mustache, denied.mustache"), std::string::npos)
        << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(TemplateSet, UnknownNameIsAnError) {
  TemplateSet set(RTCC_TEMPLATES_DIR, {});
  EXPECT_THROW(set.Render("no_such_template", {}), TemplateError);
}

}  // namespace
}  // namespace rtcc::templates
