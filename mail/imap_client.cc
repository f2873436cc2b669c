#include "mail/imap_client.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "base/pattern.h"

namespace rtcc::mail {
namespace {

std::size_t AppendToString(char* data, std::size_t size, std::size_t nmemb, void* user) {
  static_cast<std::string*>(user)->append(data, size * nmemb);
  return size * nmemb;
}

// The number `re`'s group captures in the server's response; 0 when absent or out of range.
std::uint32_t Number(const std::string& text, const RE2& re) {
  unsigned int n = 0;
  return RE2::PartialMatch(text, re, &n) ? n : 0;
}

std::string BaseUrl(const std::string& url) {
  // scheme://authority, without any path.
  auto start = url.find("://");
  auto slash = url.find('/', start == std::string::npos ? 0 : start + 3);
  return slash == std::string::npos ? url : url.substr(0, slash);
}

}  // namespace

std::string UidSet(std::vector<std::uint32_t> uids) {
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  std::string set;
  for (std::size_t i = 0; i < uids.size();) {
    std::size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!set.empty()) set += ',';
    set += std::to_string(uids[i]);
    if (j > i) set += ':' + std::to_string(uids[j]);
    i = j + 1;
  }
  return set;
}

std::string QuoteMailbox(const std::string& name) {
  if (name.find_first_of(" \"\\(){%*]") == std::string::npos && !name.empty()) return name;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

ImapClient::ImapClient(const ServerConfig& config)
    : curl_((ValidateServerConfig(config, "imap"), config)) {}

std::string ImapClient::MailboxUrl(const std::string& mailbox) const {
  std::string url = BaseUrl(curl_.config().url) + "/";
  if (!mailbox.empty()) {
    char* escaped =
        curl_easy_escape(curl_.get(), mailbox.c_str(), static_cast<int>(mailbox.size()));
    url += escaped;
    curl_free(escaped);
  }
  return url;
}

std::string ImapClient::Command(const std::string& mailbox, const std::string& command,
                                const std::string& operation) {
  curl_.ResetTransfer();
  std::string response;
  curl_easy_setopt(curl_.get(), CURLOPT_URL, MailboxUrl(mailbox).c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_CUSTOMREQUEST, command.c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEDATA, &response);
  curl_.Perform(operation);
  return response;
}

MailboxStatus ImapClient::Examine(const std::string& mailbox) {
  static const auto kValidity = base::CompilePattern(R"(\[UIDVALIDITY (\d+)\])");
  static const auto kNext = base::CompilePattern(R"(\[UIDNEXT (\d+)\])");
  static const auto kExists = base::CompilePattern(R"(\* (\d+) EXISTS)");
  std::string r = Command("", "EXAMINE " + QuoteMailbox(mailbox), "EXAMINE " + mailbox);
  MailboxStatus s;
  s.uidvalidity = Number(r, *kValidity);
  s.uidnext = Number(r, *kNext);
  s.exists = Number(r, *kExists);
  if (s.uidvalidity == 0)
    throw MailError("EXAMINE " + mailbox + ": the server sent no UIDVALIDITY",
                    CURLE_WEIRD_SERVER_REPLY);
  return s;
}

std::vector<std::uint32_t> ImapClient::SearchUids(const std::string& mailbox,
                                                  const std::string& criteria) {
  std::string r = Command(mailbox, "UID SEARCH " + criteria, "UID SEARCH in " + mailbox);
  std::vector<std::uint32_t> uids;
  std::istringstream lines(r);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("* SEARCH", 0) != 0) continue;
    std::istringstream words(line.substr(8));
    std::uint32_t uid;
    while (words >> uid) uids.push_back(uid);
  }
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return uids;
}

std::string ImapClient::FetchMessage(const std::string& mailbox, std::uint32_t uidvalidity,
                                     std::uint32_t uid) {
  curl_.ResetTransfer();
  std::string message;
  std::string url = MailboxUrl(mailbox) + ";UIDVALIDITY=" + std::to_string(uidvalidity) +
                    "/;UID=" + std::to_string(uid);
  curl_easy_setopt(curl_.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEDATA, &message);
  curl_.Perform("FETCH UID " + std::to_string(uid) + " from " + mailbox);
  return message;
}

std::int64_t ImapClient::MessageSize(const std::string& mailbox, std::uint32_t uid) {
  static const auto kSize = base::CompilePattern(R"(RFC822\.SIZE (\d+))");
  std::string r = Command(mailbox, "UID FETCH " + std::to_string(uid) + " (RFC822.SIZE)",
                          "FETCH RFC822.SIZE of UID " + std::to_string(uid));
  std::int64_t size = 0;
  if (!RE2::PartialMatch(r, *kSize, &size))
    throw MailError("FETCH RFC822.SIZE of UID " + std::to_string(uid) + ": no size in the reply",
                    CURLE_WEIRD_SERVER_REPLY);
  return size;
}

std::map<std::uint32_t, std::int64_t> ImapClient::MessageSizes(
    const std::string& mailbox, const std::vector<std::uint32_t>& uids) {
  static const auto kUidFirst = base::CompilePattern(R"(UID (\d+)[^\r\n]*RFC822\.SIZE (\d+))");
  static const auto kSizeFirst = base::CompilePattern(R"(RFC822\.SIZE (\d+)[^\r\n]*UID (\d+))");
  std::map<std::uint32_t, std::int64_t> sizes;
  if (uids.empty()) return sizes;
  std::string r =
      Command(mailbox, "UID FETCH " + UidSet(uids) + " (RFC822.SIZE)", "FETCH RFC822.SIZE");
  // One untagged FETCH response per line, its items in the server's order.
  for (std::size_t start = 0; start < r.size();) {
    std::size_t end = std::min(r.find('\n', start), r.size());
    re2::StringPiece line(r.data() + start, end - start);
    start = end + 1;
    unsigned int uid = 0;
    std::int64_t size = 0;
    if (RE2::PartialMatch(line, *kUidFirst, &uid, &size) ||
        RE2::PartialMatch(line, *kSizeFirst, &size, &uid))
      sizes[uid] = size;
  }
  return sizes;
}

std::string ImapClient::FetchHeader(const std::string& mailbox, std::uint32_t uidvalidity,
                                    std::uint32_t uid) {
  curl_.ResetTransfer();
  std::string header;
  std::string url = MailboxUrl(mailbox) + ";UIDVALIDITY=" + std::to_string(uidvalidity) +
                    "/;UID=" + std::to_string(uid) + "/;SECTION=HEADER";
  curl_easy_setopt(curl_.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEDATA, &header);
  curl_.Perform("FETCH header of UID " + std::to_string(uid) + " from " + mailbox);
  return header;
}

namespace {
struct UploadCursor {
  std::string_view data;
  std::size_t offset = 0;
};
std::size_t ReadFromCursor(char* buffer, std::size_t size, std::size_t nitems, void* user) {
  auto* cursor = static_cast<UploadCursor*>(user);
  std::size_t n = std::min(size * nitems, cursor->data.size() - cursor->offset);
  std::memcpy(buffer, cursor->data.data() + cursor->offset, n);
  cursor->offset += n;
  return n;
}
}  // namespace

void ImapClient::Append(const std::string& mailbox, std::string_view message) {
  curl_.ResetTransfer();
  UploadCursor cursor{message};
  curl_easy_setopt(curl_.get(), CURLOPT_URL, MailboxUrl(mailbox).c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl_.get(), CURLOPT_READFUNCTION, ReadFromCursor);
  curl_easy_setopt(curl_.get(), CURLOPT_READDATA, &cursor);
  curl_easy_setopt(curl_.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_.Perform("APPEND to " + mailbox);
}

std::vector<std::uint32_t> ImapClient::FindByMessageId(const std::string& mailbox,
                                                       const std::string& message_id) {
  if (message_id.find_first_of("\"\\\r\n") != std::string::npos)
    throw std::invalid_argument("unsafe Message-ID for an IMAP search: " + message_id);
  return SearchUids(mailbox, "HEADER Message-ID \"<" + message_id + ">\"");
}

void ImapClient::MoveMessage(const std::string& mailbox, std::uint32_t uid,
                             const std::string& destination) {
  Command(mailbox, "UID MOVE " + std::to_string(uid) + " " + QuoteMailbox(destination),
          "UID MOVE " + std::to_string(uid) + " to " + destination);
}

void ImapClient::MoveMessages(const std::string& mailbox, const std::vector<std::uint32_t>& uids,
                              const std::string& destination) {
  if (uids.empty()) return;
  Command(mailbox, "UID MOVE " + UidSet(uids) + " " + QuoteMailbox(destination),
          "UID MOVE " + std::to_string(uids.size()) + " message(s) to " + destination);
}

void ImapClient::EnsureMailbox(const std::string& mailbox) {
  std::string r = Command("", "LIST \"\" " + QuoteMailbox(mailbox), "LIST " + mailbox);
  if (r.find("* LIST") != std::string::npos) return;
  Command("", "CREATE " + QuoteMailbox(mailbox), "CREATE " + mailbox);
}

}  // namespace rtcc::mail
