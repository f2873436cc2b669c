#include "cli/json_output.h"

#include "casework/audit_render.h"

namespace rtcc::cli {

std::string JsonString(std::string_view text) {
  return "\"" + casework::JsonEscape(std::string(text)) + "\"";
}

std::string JsonOrNull(const std::optional<std::string>& value) {
  return value ? JsonString(*value) : "null";
}

std::string JsonObject(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "{";
  for (const auto& [key, value] : members)
    out += (out.size() > 1 ? "," : "") + JsonString(key) + ":" + value;
  return out + "}";
}

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? "," : "") + item;
  return out + "]";
}

}  // namespace rtcc::cli
