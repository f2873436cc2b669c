// The gallery's side-car file ("<gallery>-matrix", next to the SQLite file): everything a search
// needs, in one file that loads in a fraction of the time SQLite takes to hand over a million
// BLOBs. It is a cache of the SQLite file, never the record: it names the SQLite change token it
// was built from, and a side-car that is missing, of another token, of another format or damaged
// is rebuilt from SQLite. Internal to matcher/.
//
// Layout (little-endian; sections 64-byte aligned):
//   header (4096 bytes): magic "RTCCGMX1", format version, file size, counts, dimension, model id,
//       the SQLite change token, the snapshot hash, the section table, the chunk size, and an XXH3
//       hash of the header itself
//   matrix       float32 [faces][dim]    the embeddings, rows in image-SHA-256 order
//   face_subject u32 [faces]             the subject of each row (index into the subjects)
//   face_sha256  32 bytes [faces]        the SHA-256 of each row's image
//   face_offsets u64 [3 faces + 1]       image path, source, date of each row: offsets into
//   face_chars                           these characters
//   subj_offsets u64 [2 subjects + 1]    subject id, name of each subject: offsets into
//   subj_chars                           these characters
//   chunk hashes u64 [ceil(data / chunk)]  XXH3-64 of each chunk (4 MiB) of everything between the
//                                        header and this table; checked on every load, in parallel
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rtcc::matcher {

class WorkerPool;

namespace sidecar {

// The side-car cannot be used (missing, damaged, of another format): what() says why.
class SidecarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Token = std::array<std::uint8_t, 16>;

enum FaceField { kImagePath = 0, kSource = 1, kDate = 2 };
enum SubjectField { kSubjectId = 0, kName = 1 };

// What a side-car holds. Built in memory from SQLite (Contents), or viewed in place in a loaded
// file (View).
struct Contents {
  std::string model_id;
  std::size_t dim = 0;
  Token token{};
  std::string snapshot_hash;  // 64 hex digits
  std::vector<float> matrix;
  std::vector<std::uint32_t> face_subject;
  std::vector<std::uint8_t> face_sha256;  // 32 per face
  std::vector<std::uint64_t> face_offsets{0};
  std::string face_chars;
  std::vector<std::uint64_t> subject_offsets{0};
  std::string subject_chars;

  std::size_t faces() const { return face_subject.size(); }
  std::size_t subjects() const { return (subject_offsets.size() - 1) / 2; }
  void AddFaceStrings(std::string_view image_path, std::string_view source, std::string_view date);
  void AddSubject(std::string_view id, std::string_view name);
};

// The bytes a View points into: a memory-mapped file or a buffer.
class Bytes {
 public:
  virtual ~Bytes() = default;
  virtual const std::uint8_t* data() const = 0;
  virtual std::size_t size() const = 0;
};

struct View {
  std::string model_id;
  std::size_t dim = 0;
  std::size_t faces = 0;
  std::size_t subjects = 0;
  Token token{};
  std::string snapshot_hash;
  const float* matrix = nullptr;
  const std::uint32_t* face_subject = nullptr;
  const std::uint8_t* face_sha256 = nullptr;

  std::string_view Face(std::size_t row, FaceField field) const {
    return String(face_offsets, face_chars, row * 3 + field);
  }
  std::string_view Subject(std::size_t subject, SubjectField field) const {
    return String(subject_offsets, subject_chars, subject * 2 + field);
  }
  std::string Sha256Hex(std::size_t row) const;

  const std::uint64_t* face_offsets = nullptr;
  const char* face_chars = nullptr;
  const std::uint64_t* subject_offsets = nullptr;
  const char* subject_chars = nullptr;

 private:
  static std::string_view String(const std::uint64_t* offsets, const char* chars, std::size_t i) {
    return {chars + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
  }
};

// How a side-car file is brought into memory.
enum class LoadMode {
  kMmap,          // mapped read-only; pages come in as the checks read them (default)
  kMmapPopulate,  // mapped with MAP_POPULATE (the kernel reads it all in mmap())
  kRead,          // read() into private memory
};

// Writes `contents` as a side-car at `path`, atomically (a temporary file in the same folder,
// fsync, rename, fsync of the folder), mode 0600. Throws SidecarError.
void Write(const std::filesystem::path& path, const Contents& contents);

// The same bytes, in memory.
std::unique_ptr<Bytes> Serialize(const Contents& contents);

// Brings the file into memory. Throws SidecarError (e.g. missing).
std::unique_ptr<Bytes> Load(const std::filesystem::path& path, LoadMode mode);

// Checks everything (header hash, sizes, offsets, every chunk's hash, on `pool`'s threads) and
// returns views into `bytes`. Throws SidecarError naming what is wrong.
View Parse(const Bytes& bytes, WorkerPool& pool);

}  // namespace sidecar
}  // namespace rtcc::matcher
