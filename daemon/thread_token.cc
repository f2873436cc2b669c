#include "daemon/thread_token.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "base/pattern.h"
#include "base/sha256.h"

namespace rtcc::daemon {

ThreadToken::ThreadToken(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < 16)
    throw std::invalid_argument("thread token secret must be at least 16 bytes");
}

ThreadToken ThreadToken::FromFile(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
      bool ok = ::write(fd, bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes) &&
                ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) throw std::runtime_error("cannot write the reply-token secret " + file.string());
    }
  }
  std::ifstream in(file, std::ios::binary);
  std::string secret((std::istreambuf_iterator<char>(in)), {});
  if (!in.good() && !in.eof())
    throw std::runtime_error("cannot read the reply-token secret " + file.string());
  return ThreadToken(secret);
}

std::string ThreadToken::Mac(const std::string& request_id, const std::string& nonce) const {
  std::string data = request_id + "|" + nonce;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return base::Hex({mac, 16});
}

std::string ThreadToken::NewMessageId(const std::string& request_id,
                                      const std::string& domain) const {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string nonce = base::Hex(bytes);
  return "rtcc." + request_id + "." + nonce + "." + Mac(request_id, nonce) + "@" + domain;
}

std::optional<std::string> ThreadToken::Verify(const std::string& message_id) const {
  static const auto kToken =
      base::CompilePattern(R"(^rtcc\.(RTCC-\d{4}-\d{6})\.([0-9a-f]{24})\.([0-9a-f]{32})@)");
  std::string request_id;
  std::string nonce;
  std::string given;
  if (!RE2::PartialMatch(message_id, *kToken, &request_id, &nonce, &given)) return std::nullopt;
  std::string expected = Mac(request_id, nonce);
  if (CRYPTO_memcmp(expected.data(), given.data(), expected.size()) != 0) return std::nullopt;
  return request_id;
}

std::optional<std::string> ThreadToken::VerifyAny(
    const std::vector<std::string>& message_ids) const {
  for (auto it = message_ids.rbegin(); it != message_ids.rend(); ++it)
    if (auto id = Verify(*it)) return id;
  return std::nullopt;
}

}  // namespace rtcc::daemon
