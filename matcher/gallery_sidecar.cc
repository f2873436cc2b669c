#include "matcher/gallery_sidecar.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <random>

#include "base/sha256.h"
#include "matcher/worker_pool.h"

namespace rtcc::matcher::sidecar {
namespace {

static_assert(std::endian::native == std::endian::little, "the side-car is little-endian");

constexpr char kMagic[8] = {'R', 'T', 'C', 'C', 'G', 'M', 'X', '1'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 4096;
constexpr std::size_t kChunkBytes = std::size_t{4} << 20;
constexpr std::size_t kAlign = 64;

enum Section {
  kMatrix,
  kFaceSubject,
  kFaceSha,
  kFaceOffsets,
  kFaceChars,
  kSubjectOffsets,
  kSubjectChars,
  kSections
};

struct SectionEntry {
  std::uint64_t offset;
  std::uint64_t bytes;
};

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t header_bytes;
  std::uint64_t file_bytes;
  std::uint64_t faces;
  std::uint64_t subjects;
  std::uint32_t dim;
  std::uint32_t model_len;
  std::uint8_t token[16];
  char snapshot_hash[64];
  char model_id[256];
  SectionEntry sections[kSections];
  std::uint64_t chunk_bytes;
  std::uint64_t chunk_table_offset;
  std::uint64_t chunk_count;
  std::uint64_t header_hash;  // XXH3-64 of every byte before this field
};
static_assert(offsetof(Header, sections) == 384);
static_assert(offsetof(Header, header_hash) == 520);
static_assert(sizeof(Header) <= kHeaderBytes);

std::size_t AlignUp(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// The sections of `c` as byte spans, in file order.
std::array<std::pair<const void*, std::size_t>, kSections> Spans(const Contents& c) {
  return {{{c.matrix.data(), c.matrix.size() * sizeof(float)},
           {c.face_subject.data(), c.face_subject.size() * sizeof(std::uint32_t)},
           {c.face_sha256.data(), c.face_sha256.size()},
           {c.face_offsets.data(), c.face_offsets.size() * sizeof(std::uint64_t)},
           {c.face_chars.data(), c.face_chars.size()},
           {c.subject_offsets.data(), c.subject_offsets.size() * sizeof(std::uint64_t)},
           {c.subject_chars.data(), c.subject_chars.size()}}};
}

// Appends bytes at increasing offsets from kHeaderBytes on, hashing each chunk of the data.
class Writer {
 public:
  // `sink(data, size)` stores the bytes that follow the previous ones.
  template <typename Sink>
  static Header Emit(const Contents& c, Sink&& sink) {
    if (c.model_id.size() >= sizeof(Header{}.model_id)) throw SidecarError("model id too long");
    if (c.matrix.size() != c.faces() * c.dim || c.face_sha256.size() != c.faces() * 32 ||
        c.face_offsets.size() != c.faces() * 3 + 1) {
      throw SidecarError("inconsistent contents");
    }
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
    h.header_bytes = kHeaderBytes;
    h.faces = c.faces();
    h.subjects = c.subjects();
    h.dim = static_cast<std::uint32_t>(c.dim);
    h.model_len = static_cast<std::uint32_t>(c.model_id.size());
    std::memcpy(h.token, c.token.data(), c.token.size());
    std::memset(h.snapshot_hash, 0, sizeof h.snapshot_hash);
    std::memcpy(h.snapshot_hash, c.snapshot_hash.data(),
                std::min(c.snapshot_hash.size(), sizeof h.snapshot_hash));
    std::memcpy(h.model_id, c.model_id.data(), c.model_id.size());
    h.chunk_bytes = kChunkBytes;

    Writer w;
    const auto spans = Spans(c);
    static const std::uint8_t kZeros[kAlign] = {};
    for (std::size_t s = 0; s < kSections; ++s) {
      h.sections[s] = {w.offset_, spans[s].second};
      w.Put(sink, spans[s].first, spans[s].second);
      w.Put(sink, kZeros, AlignUp(w.offset_) - w.offset_);
    }
    const std::vector<std::uint64_t> chunks = w.Finish();
    h.chunk_table_offset = w.offset_;
    h.chunk_count = chunks.size();
    sink(chunks.data(), chunks.size() * sizeof(std::uint64_t));
    h.file_bytes = w.offset_ + chunks.size() * sizeof(std::uint64_t);
    h.header_hash = XXH3_64bits(&h, offsetof(Header, header_hash));
    return h;
  }

 private:
  Writer() : state_(XXH3_createState()) {
    if (!state_) throw std::bad_alloc();
    XXH3_64bits_reset(state_);
  }
  ~Writer() { XXH3_freeState(state_); }

  template <typename Sink>
  void Put(Sink& sink, const void* data, std::size_t size) {
    sink(data, size);
    const auto* p = static_cast<const std::uint8_t*>(data);
    while (size > 0) {
      const std::size_t room = kChunkBytes - in_chunk_;
      const std::size_t n = std::min(room, size);
      XXH3_64bits_update(state_, p, n);
      in_chunk_ += n;
      offset_ += n;
      p += n;
      size -= n;
      if (in_chunk_ == kChunkBytes) {
        hashes_.push_back(XXH3_64bits_digest(state_));
        XXH3_64bits_reset(state_);
        in_chunk_ = 0;
      }
    }
  }
  std::vector<std::uint64_t> Finish() {
    if (in_chunk_ > 0) hashes_.push_back(XXH3_64bits_digest(state_));
    in_chunk_ = 0;
    return hashes_;
  }

  XXH3_state_t* state_;
  std::size_t offset_ = kHeaderBytes;
  std::size_t in_chunk_ = 0;
  std::vector<std::uint64_t> hashes_;
};

class MappedBytes final : public Bytes {
 public:
  MappedBytes(void* p, std::size_t size) : p_(p), size_(size) {}
  ~MappedBytes() override { ::munmap(p_, size_); }
  const std::uint8_t* data() const override { return static_cast<const std::uint8_t*>(p_); }
  std::size_t size() const override { return size_; }

 private:
  void* p_;
  std::size_t size_;
};

// Anonymous memory, 2 MiB pages where the kernel allows (fewer page faults for 0.5 GB).
std::unique_ptr<MappedBytes> AnonymousBuffer(std::size_t size) {
  void* p = ::mmap(nullptr, std::max<std::size_t>(size, 1), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw SidecarError(Errno("cannot allocate memory for the side-car"));
  ::madvise(p, size, MADV_HUGEPAGE);
  return std::make_unique<MappedBytes>(p, std::max<std::size_t>(size, 1));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void WriteAll(int fd, const void* data, std::size_t size, const std::string& name) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, std::min<std::size_t>(size, std::size_t{1} << 30));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SidecarError(Errno("cannot write " + name));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

void Contents::AddFaceStrings(std::string_view image_path, std::string_view source,
                              std::string_view date) {
  for (std::string_view s : {image_path, source, date}) {
    face_chars.append(s);
    face_offsets.push_back(face_chars.size());
  }
}

void Contents::AddSubject(std::string_view id, std::string_view name) {
  for (std::string_view s : {id, name}) {
    subject_chars.append(s);
    subject_offsets.push_back(subject_chars.size());
  }
}

std::string View::Sha256Hex(std::size_t row) const {
  return base::Hex({face_sha256 + row * 32, 32});
}

void Write(const std::filesystem::path& path, const Contents& contents) {
  const std::filesystem::path dir =
      path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  const Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) throw SidecarError(Errno("cannot open the folder " + dir.string()));
  // An unnamed file, given a name only once complete: a crash leaves nothing behind. Where the
  // file system has no O_TMPFILE, a named temporary file.
  std::filesystem::path named;
  int raw = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (raw < 0) {
    std::random_device rd;
    named = path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
    raw = ::open(named.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (raw < 0) throw SidecarError(Errno("cannot create " + named.string()));
  }
  const Fd fd(raw);
  try {
    std::vector<std::uint8_t> header(kHeaderBytes, 0);
    WriteAll(fd.get(), header.data(), header.size(), path.string());
    const Header h = Writer::Emit(contents, [&](const void* data, std::size_t size) {
      WriteAll(fd.get(), data, size, path.string());
    });
    std::memcpy(header.data(), &h, sizeof h);
    if (::pwrite(fd.get(), header.data(), header.size(), 0) != static_cast<ssize_t>(kHeaderBytes)) {
      throw SidecarError(Errno("cannot write " + path.string()));
    }
    if (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0) {
      throw SidecarError(Errno("cannot sync " + path.string()));
    }
    if (named.empty()) {
      // Link the unnamed file under a temporary name, then rename it over the old side-car.
      std::random_device rd;
      named = path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
      const std::string proc = "/proc/self/fd/" + std::to_string(fd.get());
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, named.c_str(), AT_SYMLINK_FOLLOW) != 0) {
        named.clear();
        throw SidecarError(Errno("cannot name " + path.string()));
      }
    }
    if (::rename(named.c_str(), path.c_str()) != 0) {
      throw SidecarError(Errno("cannot rename to " + path.string()));
    }
    named.clear();
    ::fsync(dir_fd.get());
  } catch (...) {
    if (!named.empty()) ::unlink(named.c_str());
    throw;
  }
}

std::unique_ptr<Bytes> Serialize(const Contents& contents) {
  std::size_t size = kHeaderBytes;
  for (const auto& span : Spans(contents)) size = AlignUp(size + span.second);
  size += (size - kHeaderBytes + kChunkBytes - 1) / kChunkBytes * sizeof(std::uint64_t);
  auto buffer = AnonymousBuffer(size);
  auto* base = const_cast<std::uint8_t*>(buffer->data());
  std::size_t at = kHeaderBytes;
  const Header h = Writer::Emit(contents, [&](const void* data, std::size_t n) {
    if (at + n > size) throw SidecarError("side-car size miscounted");
    std::memcpy(base + at, data, n);
    at += n;
  });
  if (h.file_bytes != size) throw SidecarError("side-car size miscounted");
  std::memcpy(base, &h, sizeof h);
  return buffer;
}

std::unique_ptr<Bytes> Load(const std::filesystem::path& path, LoadMode mode) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw SidecarError(Errno("cannot open " + path.string()));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw SidecarError(Errno("cannot stat " + path.string()));
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size < kHeaderBytes) throw SidecarError(path.string() + " is too short");
  if (mode == LoadMode::kRead) {
    auto buffer = AnonymousBuffer(size);
    auto* p = const_cast<std::uint8_t*>(buffer->data());
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n =
          ::pread(fd.get(), p + done, std::min<std::size_t>(size - done, std::size_t{1} << 30),
                  static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw SidecarError(Errno("cannot read " + path.string()));
      done += static_cast<std::size_t>(n);
    }
    return buffer;
  }
  const int flags = MAP_PRIVATE | (mode == LoadMode::kMmapPopulate ? MAP_POPULATE : 0);
  void* p = ::mmap(nullptr, size, PROT_READ, flags, fd.get(), 0);
  if (p == MAP_FAILED) throw SidecarError(Errno("cannot map " + path.string()));
  return std::make_unique<MappedBytes>(p, size);
}

View Parse(const Bytes& bytes, WorkerPool& pool) {
  const std::uint8_t* base = bytes.data();
  const std::size_t size = bytes.size();
  if (size < kHeaderBytes) throw SidecarError("shorter than its header");
  Header h;
  std::memcpy(&h, base, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) throw SidecarError("not a side-car");
  if (h.version != kVersion) {
    throw SidecarError("format version " + std::to_string(h.version) + ", not " +
                       std::to_string(kVersion));
  }
  if (h.header_hash != XXH3_64bits(&h, offsetof(Header, header_hash))) {
    throw SidecarError("its header is damaged (hash)");
  }
  if (h.file_bytes != size) {
    throw SidecarError("its size is " + std::to_string(size) + " bytes, its header says " +
                       std::to_string(h.file_bytes));
  }
  if (h.header_bytes != kHeaderBytes || h.chunk_bytes != kChunkBytes || h.dim == 0 ||
      h.dim > 65536 || h.faces > 0xFFFFFFFFull || h.subjects > h.faces ||
      h.model_len >= sizeof h.model_id) {
    throw SidecarError("its header is inconsistent");
  }
  const std::uint64_t faces = h.faces, subjects = h.subjects, dim = h.dim;
  const std::uint64_t expected[kSections] = {
      faces * dim * 4, faces * 4, faces * 32, (faces * 3 + 1) * 8, 0, (subjects * 2 + 1) * 8, 0};
  std::uint64_t at = kHeaderBytes;
  for (std::size_t s = 0; s < kSections; ++s) {
    const SectionEntry& e = h.sections[s];
    if (e.offset != at || (expected[s] != 0 && e.bytes != expected[s]) ||
        e.bytes > size - e.offset) {
      throw SidecarError("section " + std::to_string(s) + " is out of place");
    }
    at = AlignUp(e.offset + e.bytes);
  }
  const std::uint64_t data_bytes = at - kHeaderBytes;
  if (h.chunk_table_offset != at || h.chunk_count != (data_bytes + kChunkBytes - 1) / kChunkBytes ||
      h.chunk_table_offset + h.chunk_count * 8 != size) {
    throw SidecarError("its chunk table is out of place");
  }

  // Every chunk's hash, on every thread of the pool (this reads the whole file once).
  std::vector<std::uint64_t> table(h.chunk_count);
  std::memcpy(table.data(), base + h.chunk_table_offset, table.size() * 8);
  std::atomic<std::size_t> bad{h.chunk_count};
  pool.Run(h.chunk_count, pool.size(), [&](unsigned, std::size_t chunk) {
    const std::uint64_t begin = kHeaderBytes + chunk * kChunkBytes;
    const std::uint64_t n = std::min<std::uint64_t>(kChunkBytes, kHeaderBytes + data_bytes - begin);
    if (XXH3_64bits(base + begin, n) != table[chunk]) {
      std::size_t current = bad.load();
      while (chunk < current && !bad.compare_exchange_weak(current, chunk)) {
      }
    }
  });
  if (bad.load() < h.chunk_count) {
    throw SidecarError("its data is damaged (chunk " + std::to_string(bad.load()) +
                       " does not match its hash)");
  }

  View v;
  v.model_id.assign(h.model_id, h.model_len);
  v.dim = dim;
  v.faces = faces;
  v.subjects = subjects;
  std::memcpy(v.token.data(), h.token, v.token.size());
  v.snapshot_hash.assign(h.snapshot_hash, strnlen(h.snapshot_hash, sizeof h.snapshot_hash));
  const auto section = [&](Section s) { return base + h.sections[s].offset; };
  v.matrix = reinterpret_cast<const float*>(section(kMatrix));
  v.face_subject = reinterpret_cast<const std::uint32_t*>(section(kFaceSubject));
  v.face_sha256 = section(kFaceSha);
  v.face_offsets = reinterpret_cast<const std::uint64_t*>(section(kFaceOffsets));
  v.face_chars = reinterpret_cast<const char*>(section(kFaceChars));
  v.subject_offsets = reinterpret_cast<const std::uint64_t*>(section(kSubjectOffsets));
  v.subject_chars = reinterpret_cast<const char*>(section(kSubjectChars));
  // The hashes say the bytes are those written; these checks keep a reader inside them anyway.
  const auto check_offsets = [](const std::uint64_t* o, std::size_t count, std::uint64_t chars) {
    if (o[0] != 0 || o[count] != chars) return false;
    for (std::size_t i = 0; i < count; ++i) {
      if (o[i + 1] < o[i]) return false;
    }
    return true;
  };
  if (!check_offsets(v.face_offsets, faces * 3, h.sections[kFaceChars].bytes) ||
      !check_offsets(v.subject_offsets, subjects * 2, h.sections[kSubjectChars].bytes)) {
    throw SidecarError("its string table is inconsistent");
  }
  for (std::size_t i = 0; i < faces; ++i) {
    if (v.face_subject[i] >= subjects) throw SidecarError("a face names no subject");
  }
  return v;
}

}  // namespace rtcc::matcher::sidecar
