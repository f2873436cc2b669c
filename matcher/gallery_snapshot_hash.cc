#include "matcher/gallery_snapshot_hash.h"

namespace rtcc::matcher {

// "rtcc-gallery-snapshot-v1\n" model "\n" dimension "\n" faces "\n", then the faces.
SnapshotHasher::SnapshotHasher(std::string_view model, std::size_t dimension, std::size_t faces) {
  hash_.Add("rtcc-gallery-snapshot-v1\n" + std::string(model) + "\n" + std::to_string(dimension) +
            "\n" + std::to_string(faces) + "\n");
}

// Per face: image sha256 "\n" length(subject) ":" subject "\n" embedding (float32, little-endian
// as on every machine rtcc runs on).
void SnapshotHasher::AddFace(std::string_view image_sha256, std::string_view subject,
                             std::span<const float> embedding) {
  part_.assign(image_sha256).append("\n").append(std::to_string(subject.size())).append(":");
  part_.append(subject).append("\n");
  part_.append(reinterpret_cast<const char*>(embedding.data()), embedding.size_bytes());
  hash_.Add(part_);
}

}  // namespace rtcc::matcher
