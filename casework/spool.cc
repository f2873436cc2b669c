#include "casework/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "base/sha256.h"

namespace rtcc::casework {
namespace {

void Fail(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

void FsyncPath(const std::filesystem::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", path);
  if (::fsync(fd) != 0) {
    ::close(fd);
    Fail("cannot fsync", path);
  }
  ::close(fd);
}

void MakePrivateDir(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  ::chmod(dir.c_str(), 0700);
}

}  // namespace

Spool::Spool(std::filesystem::path root) : root_(std::move(root)) { MakePrivateDir(root_); }

std::filesystem::path Spool::PathOf(std::string_view kind, const std::string& sha256) const {
  return root_ / std::string(kind) / sha256.substr(0, 2) / sha256;
}

std::string Spool::Put(std::string_view kind, std::string_view data) {
  std::string sha = Write(kind, data, /*durable=*/true);
  return sha;
}

std::string Spool::PutDeferred(std::string_view kind, std::string_view data) {
  return Write(kind, data, /*durable=*/false);
}

void Spool::Sync() {
  int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", root_);
  if (::syncfs(fd) != 0) {
    ::close(fd);
    Fail("cannot sync the file system of", root_);
  }
  ::close(fd);
}

std::string Spool::Write(std::string_view kind, std::string_view data, bool durable) {
  std::string sha = base::Sha256Hex(data);
  auto path = PathOf(kind, sha);
  if (std::filesystem::exists(path)) return sha;
  auto dir = path.parent_path();
  MakePrivateDir(dir);
  // Unique per thread: intake spools on a worker thread while the next message is fetched.
  auto tmp = dir / (sha + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(::gettid()));
  int fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) Fail("cannot create", tmp);
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      Fail("cannot write", tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) {
    ::close(fd);
    Fail("cannot fsync", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) Fail("cannot rename into", path);
  if (durable) FsyncPath(dir, O_RDONLY | O_DIRECTORY);
  return sha;
}

std::string Spool::Get(std::string_view kind, const std::string& sha256) const {
  auto path = PathOf(kind, sha256);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("spool file missing: " + path.string());
  std::string data((std::istreambuf_iterator<char>(in)), {});
  if (base::Sha256Hex(data) != sha256)
    throw std::runtime_error("spool file damaged (sha256 mismatch): " + path.string());
  return data;
}

}  // namespace rtcc::casework
