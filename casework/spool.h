// The spool: raw messages and probe images on disk, named by the SHA-256 of their content and
// written durably (temp file, fsync, rename, fsync of the directory) before any database row
// names them. Files and directories are private to the daemon's user (0600 / 0700).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rtcc::casework {

class Spool {
 public:
  // Uses (and creates, mode 0700) `root`.
  explicit Spool(std::filesystem::path root);

  // Stores `data` under `kind` ("messages", "probes") and returns its SHA-256, durably (fsync of
  // the file and its directory) before returning. Storing the same content twice is a no-op.
  // Throws std::runtime_error when the data cannot be made durable.
  std::string Put(std::string_view kind, std::string_view data);

  // As Put, but durable only after the next Sync(). Put and PutDeferred may run on several threads
  // at once: for a batch of files, one flush instead of
  // two per file. Nothing may name such a file (e.g. in a database row) before Sync() returns.
  std::string PutDeferred(std::string_view kind, std::string_view data);

  // Makes every PutDeferred file, and its directory entry, durable (syncfs of the spool's file
  // system). Throws std::runtime_error when it cannot.
  void Sync();

  // Reads back what Put stored; throws std::runtime_error naming the file when it is missing or
  // does not match its name (a damaged spool must never be used silently).
  std::string Get(std::string_view kind, const std::string& sha256) const;

  std::filesystem::path PathOf(std::string_view kind, const std::string& sha256) const;

 private:
  std::string Write(std::string_view kind, std::string_view data, bool durable);
  std::filesystem::path root_;
};

}  // namespace rtcc::casework
