#include "mail/auth_results.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace rtcc::mail {
namespace {

using base::Lower;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// One token of a resinfo: "dkim=pass", "header.d=pd.test", "reason=\"x y\"" (quotes removed).
struct Token {
  std::string key;  // lower case; empty for a bare word
  std::string value;
};

// Splits a field value into statements (separated by ';') of tokens, dropping comments and
// honouring quoted strings.
std::vector<std::vector<Token>> Tokenize(std::string_view s) {
  std::vector<std::vector<Token>> statements(1);
  std::string word;
  bool in_word = false;
  auto flush = [&] {
    if (!in_word) return;
    Token t;
    auto eq = word.find('=');
    if (eq == std::string::npos) {
      t.value = word;
    } else {
      t.key = Lower(word.substr(0, eq));
      t.value = word.substr(eq + 1);
    }
    statements.back().push_back(std::move(t));
    word.clear();
    in_word = false;
  };
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '(') {  // comment, possibly nested
      flush();
      int depth = 0;
      while (i < s.size()) {
        char d = s[i++];
        if (d == '\\') {
          ++i;
        } else if (d == '(') {
          ++depth;
        } else if (d == ')' && --depth == 0) {
          break;
        }
      }
      continue;
    }
    if (c == '"') {  // quoted value: part of the current word
      in_word = true;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        word += s[i++];
      }
      ++i;
      continue;
    }
    if (c == ';') {
      flush();
      statements.emplace_back();
    } else if (IsSpace(c)) {
      flush();
    } else {
      in_word = true;
      word += c;
    }
    ++i;
  }
  flush();
  // Join "key" "=" "value" and "key=" "value" that spaces split.
  for (auto& st : statements) {
    std::vector<Token> joined;
    for (std::size_t k = 0; k < st.size(); ++k) {
      Token t = st[k];
      if (t.key.empty() && k + 1 < st.size() && st[k + 1].key.empty() &&
          st[k + 1].value.rfind("=", 0) == 0) {
        // "dkim" "=pass" -> dkim=pass
        t.key = Lower(t.value);
        t.value = st[k + 1].value.substr(1);
        ++k;
      }
      if (!t.key.empty() && t.value.empty() && k + 1 < st.size() && st[k + 1].key.empty()) {
        t.value = st[k + 1].value;  // "dkim=" "pass"
        ++k;
      }
      joined.push_back(std::move(t));
    }
    st = std::move(joined);
  }
  return statements;
}

std::string DomainOf(std::string_view identity) {
  auto at = identity.rfind('@');
  return Lower(at == std::string_view::npos ? identity : identity.substr(at + 1));
}

}  // namespace

AuthVerdict ParseAuthenticationResults(const std::vector<std::string>& field_values,
                                       std::string_view authserv_id) {
  AuthVerdict v;
  std::string wanted = Lower(authserv_id);
  for (const auto& value : field_values) {
    auto statements = Tokenize(value);
    if (statements.empty()) continue;
    // The first statement is "authserv-id [version]", unless it is already a result (a field
    // written without authserv-id, as Microsoft 365 does).
    std::string id;
    std::size_t first_result = 0;
    const auto& head = statements.front();
    bool head_is_result = !head.empty() && !head.front().key.empty();
    if (!head_is_result) {
      if (!head.empty()) id = Lower(head.front().value);
      first_result = 1;
    }
    if (id != wanted) continue;
    v.found = true;
    for (std::size_t s = first_result; s < statements.size(); ++s) {
      const auto& st = statements[s];
      if (st.empty() || st.front().key.empty()) continue;  // "none", or garbage
      std::string method = st.front().key;
      method = method.substr(0, method.find('/'));  // "dkim/1"
      std::string result = Lower(st.front().value);
      std::string header_d;
      std::string header_i;
      std::string header_from;
      for (std::size_t k = 1; k < st.size(); ++k) {
        if (st[k].key == "header.d") header_d = Lower(st[k].value);
        if (st[k].key == "header.i") header_i = st[k].value;
        if (st[k].key == "header.from") header_from = Lower(st[k].value);
      }
      if (method == "dkim") {
        if (result == "pass") {
          std::string domain = !header_d.empty() ? header_d : DomainOf(header_i);
          if (v.dkim != "pass") v.dkim_domain = domain;
          v.dkim = "pass";
          if (!domain.empty()) v.dkim_pass_domains.push_back(domain);
        } else if (v.dkim.empty()) {
          v.dkim = result;
        }
      } else if (method == "dmarc" && v.dmarc.empty()) {
        v.dmarc = result;
        v.dmarc_header_from = header_from;
      } else if (method == "spf" && v.spf.empty()) {
        v.spf = result;
      }
    }
    break;  // only the topmost field of ours counts
  }
  return v;
}

}  // namespace rtcc::mail
