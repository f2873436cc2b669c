#include "templates/template_set.h"

#include <fstream>
#include <iterator>
#include <mutex>

#include "base/strings.h"

namespace rtcc::templates {
namespace {

constexpr std::string_view kSubject = "Subject:";

using base::Trim;

}  // namespace

TemplateSet::TemplateSet(const std::filesystem::path& dir,
                         const std::vector<std::string>& required) {
  // Replies are text/plain e-mail: nothing is HTML-escaped.
  static std::once_flag once;
  std::call_once(once, [] { mstch::config::escape = [](const std::string& s) { return s; }; });

  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto eol = text.find('\n');
    std::string first = text.substr(0, eol);
    if (first.rfind(kSubject, 0) != 0) continue;
    Template t;
    t.subject = Trim(first.substr(kSubject.size()));
    t.body = eol == std::string::npos ? "" : text.substr(eol + 1);
    if (!t.body.empty() && t.body.front() == '\n') t.body.erase(0, 1);
    templates_[entry.path().stem().string()] = std::move(t);
  }
  std::string missing;
  for (const auto& name : required)
    if (!templates_.count(name)) missing += (missing.empty() ? "" : ", ") + name + ".mustache";
  if (!missing.empty())
    throw TemplateError("reply templates missing or without a 'Subject:' first line in " +
                        dir.string() + ": " + missing);
}

RenderedText TemplateSet::Render(const std::string& name, const mstch::map& context) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) throw TemplateError("no reply template '" + name + "'");
  RenderedText out;
  out.subject = Trim(mstch::render(it->second.subject, context));
  out.body = mstch::render(it->second.body, context);
  return out;
}

mstch::array StringList(const std::vector<std::string>& items) {
  mstch::array list;
  for (const auto& item : items) list.push_back(item);
  return list;
}

}  // namespace rtcc::templates
