#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "base/sha256.h"
#include "base/sqlite_db.h"
#include "base/strings.h"
#include "matcher/gallery_manifest.h"
#include "matcher/gallery_sidecar.h"
#include "matcher/gallery_snapshot_hash.h"
#include "matcher/search_index.h"
#include "matcher/sqlite_gallery.h"
#include "matcher/worker_pool.h"

namespace rtcc::matcher {
namespace {

int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

std::int64_t SqliteGallery::DataVersion() const {
  Statement version(db_->handle(), "PRAGMA data_version");
  version.Step();
  return version.Int(0);
}

sidecar::Token SqliteGallery::ReadToken() const {
  Statement token(db_->handle(), "SELECT change_token FROM gallery_state WHERE id = 1");
  sidecar::Token out{};
  if (token.Step()) {
    const auto blob = token.BlobView(0);
    std::memcpy(out.data(), blob.data(), std::min(blob.size(), out.size()));
  }
  return out;
}

sidecar::Contents SqliteGallery::ReadContents(const sidecar::Token& token) const {
  sidecar::Contents c;
  c.dim = kEmbeddingDim;
  c.token = token;
  std::vector<std::pair<std::int64_t, std::uint32_t>> slot;  // (face id, rank by SHA-256)
  {
    Statement order(db_->handle(), "SELECT id FROM faces ORDER BY image_sha256");
    while (order.Step()) {
      slot.emplace_back(order.Int(0), static_cast<std::uint32_t>(slot.size()));
    }
  }
  std::sort(slot.begin(), slot.end());
  const std::size_t n = slot.size();
  std::unordered_map<std::string, std::string> names;
  {
    Statement subjects(db_->handle(), "SELECT subject_id, name FROM subjects");
    while (subjects.Step()) names.emplace(subjects.Text(0), subjects.Text(1));
  }

  // The text of each face, in table order, in one arena: sha256, subject, path, source, date.
  std::string arena;
  std::vector<std::uint64_t> text(n * 6 + 1, 0);  // offsets into arena, by SHA-256 rank
  c.matrix.resize(n * kEmbeddingDim);
  std::string model;
  std::size_t j = 0;
  Statement rows(db_->handle(),
                 "SELECT id, image_sha256, subject_id, image_path, source, source_date, "
                 "model_id, dim, embedding FROM faces ORDER BY id");
  while (rows.Step()) {
    if (j >= n || rows.Int(0) != slot[j].first) {
      throw GalleryError("gallery: " + path_.string() + " changed while it was read");
    }
    const std::uint32_t at = slot[j++].second;
    const std::string_view row_model = rows.TextView(6);
    if (model.empty()) model = std::string(row_model);
    if (row_model != model) {
      throw GalleryError("gallery: " + path_.string() + " mixes embeddings of models " + model +
                         " and " + std::string(row_model) + "; it cannot be searched");
    }
    const std::span<const std::uint8_t> blob = rows.BlobView(8);
    if (rows.Int(7) != static_cast<std::int64_t>(kEmbeddingDim) ||
        blob.size() != sizeof(float) * kEmbeddingDim) {
      throw GalleryError("gallery: " + path_.string() + " holds an embedding of " +
                         std::to_string(rows.Int(7)) + " dimensions (" +
                         std::to_string(blob.size()) + " bytes), not " +
                         std::to_string(kEmbeddingDim));
    }
    std::memcpy(c.matrix.data() + std::size_t{at} * kEmbeddingDim, blob.data(), blob.size());
    if (!base::IsSha256Hex(rows.TextView(1))) {
      throw GalleryError("gallery: " + path_.string() + " holds a malformed image SHA-256");
    }
    text[std::size_t{at} * 6] = arena.size();
    for (int column = 1; column <= 5; ++column) {
      arena.append(rows.TextView(column));
      text[std::size_t{at} * 6 + static_cast<std::size_t>(column)] = arena.size();
    }
  }
  if (j != n) throw GalleryError("gallery: " + path_.string() + " changed while it was read");

  // In SHA-256 order: subjects numbered as they first appear, strings, the snapshot hash.
  c.model_id = model;
  c.face_subject.reserve(n);
  c.face_sha256.reserve(n * 32);
  c.face_offsets.reserve(n * 3 + 1);
  std::unordered_map<std::string_view, std::uint32_t> subject_index;
  SnapshotHasher hash(model, kEmbeddingDim, n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto field = [&](int k) {
      const std::uint64_t begin = text[i * 6 + static_cast<std::size_t>(k)];
      return std::string_view(arena).substr(begin, text[i * 6 + k + 1] - begin);
    };
    const std::string_view sha = field(0), subject = field(1);
    for (std::size_t b = 0; b < 32; ++b) {
      c.face_sha256.push_back(
          static_cast<std::uint8_t>(HexDigit(sha[2 * b]) * 16 + HexDigit(sha[2 * b + 1])));
    }
    const auto [it, inserted] =
        subject_index.emplace(subject, static_cast<std::uint32_t>(c.subjects()));
    if (inserted) {
      const auto name = names.find(std::string(subject));
      if (name == names.end()) throw GalleryError("gallery: a face names no subject");
      c.AddSubject(subject, name->second);
    }
    c.face_subject.push_back(it->second);
    c.AddFaceStrings(field(2), field(3), field(4));
    hash.AddFace(sha, subject, {c.matrix.data() + i * kEmbeddingDim, kEmbeddingDim});
  }
  c.snapshot_hash = hash.Hex();
  return c;
}

void SqliteGallery::Load() {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  auto snap = std::make_shared<Snapshot>();
  Transaction read(*db_, Transaction::Mode::kRead);
  const std::int64_t version = DataVersion();
  const sidecar::Token token = ReadToken();
  std::string why;
  std::string steps;
  if (options_.use_sidecar) {
    try {
      auto t = Clock::now();
      snap->bytes = sidecar::Load(sidecar_path_, load_mode_);
      steps = "mapped/read in " + Ms(Clock::now() - t);
      t = Clock::now();
      snap->view = sidecar::Parse(*snap->bytes, pool_);
      steps += ", checked in " + Ms(Clock::now() - t);
      if (snap->view.token != token) {
        why = "it is of an older state of the gallery";
      } else if (snap->view.dim != kEmbeddingDim) {
        why = "its dimension is " + std::to_string(snap->view.dim);
      }
    } catch (const sidecar::SidecarError& e) {
      why = e.what();
    }
  } else {
    why = "side-car not used";
  }
  if (!why.empty()) {
    sidecar::Contents contents = ReadContents(token);
    read.Commit();
    const auto read_done = Clock::now();
    std::string written;
    snap->bytes.reset();
    if (options_.use_sidecar) {
      try {
        sidecar::Write(sidecar_path_, contents);
        contents = sidecar::Contents{};  // free it before mapping the file
        snap->bytes = sidecar::Load(sidecar_path_, load_mode_);
        snap->view = sidecar::Parse(*snap->bytes, pool_);
        written = "side-car written in " + Ms(Clock::now() - read_done);
      } catch (const sidecar::SidecarError& e) {
        snap->bytes.reset();
        written = std::string("side-car not written: ") + e.what();
      }
    }
    if (!snap->bytes) {
      snap->bytes = sidecar::Serialize(contents);
      snap->view = sidecar::Parse(*snap->bytes, pool_);
    }
    snap->load = "read from SQLite in " + Ms(read_done - started) + " (" + why + ")" +
                 (written.empty() ? "" : "; " + written);
  } else {
    read.Commit();
    snap->load = "side-car (" + options_.sidecar_load + "): " + steps;
  }
  const auto t = Clock::now();
  snap->index =
      std::make_unique<SearchIndex>(snap->view.matrix, snap->view.faces, kEmbeddingDim, &pool_);
  snap->load +=
      ", indexed in " + Ms(Clock::now() - t) + "; " + Ms(Clock::now() - started) + " in all";
  {
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = std::move(snap);
  }
  loaded_version_ = version;
}

std::string SqliteGallery::Ms(std::chrono::steady_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace rtcc::matcher
