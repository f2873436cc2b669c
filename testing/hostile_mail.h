// Test support: a corpus of hostile e-mail, built by code (issue 9). Each message is a shape that
// once made a mail daemon crash, hang or use unbounded memory: very long lines, deep nesting, huge
// header fields, NUL bytes, invalid UTF-8, a pixel bomb... Every message is at most 12 MB, carries
// an ordinary From (the given sender) and a Message-ID unique per (name, sender) written before
// any hostile header field, so that a test can find it again in the store and on the server.
#pragma once

#include <string>
#include <vector>

namespace rtcc::testing {

struct HostileMessage {
  std::string name;  // "plain-long-line": unique, a valid gtest parameter name with '-' -> '_'
  std::string what;  // what it exercises, one line
  std::string message_id;  // without angle brackets: HostileMessageId(name, from)
  std::string raw;         // the whole message, CRLF line ends (except where the shape says not)
};

// The names of every hostile message, in corpus order.
std::vector<std::string> HostileMessageNames();

// The hostile message `name` from `from` (an addr-spec such as "stranger@outside.test"). Throws
// std::invalid_argument for an unknown name.
HostileMessage BuildHostileMessage(const std::string& name, const std::string& from);

// Every hostile message from `from`, in corpus order (about 200 MB in all: prefer
// BuildHostileMessage one at a time when memory matters).
std::vector<HostileMessage> HostileMessages(const std::string& from);

// The Message-ID (without brackets) of hostile message `name` from `from`.
std::string HostileMessageId(const std::string& name, const std::string& from);

}  // namespace rtcc::testing
