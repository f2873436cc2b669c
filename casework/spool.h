// The spool: raw messages and probe images on disk, named by the SHA-256 of their content and
// written durably (temp file, fsync, rename, fsync of the directory) before any database row
// names them. Files and directories are private to the daemon's user (0600 / 0700).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rtcc::casework {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

class Spool {
 public:
  // Uses (and creates, mode 0700) `root`.
  explicit Spool(std::filesystem::path root);

  // Stores `data` under `kind` ("messages", "probes") and returns its SHA-256. Storing the same
  // content twice is a no-op. Throws std::runtime_error when the data cannot be made durable.
  std::string Put(std::string_view kind, std::string_view data);

  // Reads back what Put stored; throws std::runtime_error naming the file when it is missing or
  // does not match its name (a damaged spool must never be used silently).
  std::string Get(std::string_view kind, const std::string& sha256) const;

  std::filesystem::path PathOf(std::string_view kind, const std::string& sha256) const;

 private:
  std::filesystem::path root_;
};

}  // namespace rtcc::casework
