// Vocabularies: an enum's values with the words that stand for them outside the program (a
// database column, a configuration value). Each enum's ToString and Parse are one table of these
// and the two lookups below (casework/request_state.cc is the model).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace rtcc::base {

template <typename E, std::size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

// The word for `value`; `unknown` when the table lacks it (a value cast from a stray integer).
template <typename E, std::size_t N>
constexpr std::string_view NameOf(const EnumNames<E, N>& names, E value,
                                  std::string_view unknown = "UNKNOWN") {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return unknown;
}

// The value `text` names, exactly (case included); std::nullopt for any other text.
template <typename E, std::size_t N>
constexpr std::optional<E> ValueOf(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& [v, name] : names)
    if (name == text) return v;
  return std::nullopt;
}

}  // namespace rtcc::base
