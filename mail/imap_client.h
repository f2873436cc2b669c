// IMAP over libcurl: the few operations rtcc's intake needs. One connection, reused.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mail/mail_transport.h"

namespace rtcc::mail {

struct MailboxStatus {
  std::uint32_t uidvalidity = 0;
  std::uint32_t uidnext = 0;
  std::uint32_t exists = 0;
};

class ImapClient {
 public:
  // Throws std::invalid_argument when the config breaks the TLS rules (see ValidateServerConfig).
  explicit ImapClient(const ServerConfig& config);

  // EXAMINE: UIDVALIDITY, UIDNEXT and message count of `mailbox`, without changing flags.
  MailboxStatus Examine(const std::string& mailbox);

  // UID SEARCH `criteria` (e.g. "ALL", "UID 5:*") in `mailbox`, ascending.
  std::vector<std::uint32_t> SearchUids(const std::string& mailbox, const std::string& criteria);

  // The raw message with `uid`. Fails (MailError) if the mailbox's UIDVALIDITY is no longer
  // `uidvalidity`, so a UID is never read against the wrong numbering.
  std::string FetchMessage(const std::string& mailbox, std::uint32_t uidvalidity,
                           std::uint32_t uid);

  // The size in bytes of message `uid` (RFC822.SIZE), without downloading it.
  std::int64_t MessageSize(const std::string& mailbox, std::uint32_t uid);
  // The sizes of several messages in one command; a UID the server does not list is absent.
  std::map<std::uint32_t, std::int64_t> MessageSizes(const std::string& mailbox,
                                                     const std::vector<std::uint32_t>& uids);

  // The header of message `uid` only (up to and including the blank line).
  std::string FetchHeader(const std::string& mailbox, std::uint32_t uidvalidity, std::uint32_t uid);

  // Appends `message` to `mailbox` (flagged \Seen by libcurl).
  void Append(const std::string& mailbox, std::string_view message);

  // UIDs in `mailbox` of messages whose Message-ID header is `message_id` (no brackets).
  std::vector<std::uint32_t> FindByMessageId(const std::string& mailbox,
                                             const std::string& message_id);

  // Moves message `uid` from `mailbox` to `destination` (UID MOVE, RFC 6851).
  void MoveMessage(const std::string& mailbox, std::uint32_t uid, const std::string& destination);
  // Moves several messages in one command.
  void MoveMessages(const std::string& mailbox, const std::vector<std::uint32_t>& uids,
                    const std::string& destination);

  // Creates `mailbox` if it does not exist.
  void EnsureMailbox(const std::string& mailbox);

 private:
  // Runs `command` with `mailbox` selected (empty: none) and returns the untagged response text.
  std::string Command(const std::string& mailbox, const std::string& command,
                      const std::string& operation);
  std::string MailboxUrl(const std::string& mailbox) const;

  CurlHandle curl_;
};

// An IMAP sequence set of UIDs, ranges folded: {1,2,3,7} -> "1:3,7".
std::string UidSet(std::vector<std::uint32_t> uids);

// Quotes a mailbox name as an IMAP string when it needs it ("My Folder" -> "\"My Folder\"").
std::string QuoteMailbox(const std::string& name);

}  // namespace rtcc::mail
