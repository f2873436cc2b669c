// The words rtcc sends: one mustache file per reply kind in templates/ (e.g. results.mustache).
// A file starts with a "Subject: ..." line, then a blank line, then the body. Rendering is plain
// text: values are inserted as they are, never HTML-escaped.
#pragma once

#include <filesystem>
#include <map>
#include <mstch/mstch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtcc::templates {

struct RenderedText {
  std::string subject;
  std::string body;
};

// `items` as a mustache list ({{#name}}{{.}}{{/name}}).
mstch::array StringList(const std::vector<std::string>& items);

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TemplateSet {
 public:
  // Loads every "<name>.mustache" in `dir`. Throws TemplateError naming the directory and each of
  // `required` that is missing or has no "Subject:" line.
  TemplateSet(const std::filesystem::path& dir, const std::vector<std::string>& required);

  // Renders template `name` with `context`. Throws TemplateError for an unknown name.
  RenderedText Render(const std::string& name, const mstch::map& context) const;

 private:
  struct Template {
    std::string subject;
    std::string body;
  };
  std::map<std::string, Template> templates_;
};

}  // namespace rtcc::templates
