// The identity of a gallery snapshot (policy 4.5.3.3, 4.5.3.4: a search can be reproduced): a
// SHA-256 over the model, the dimension and, face by face in image-SHA-256 order, each face's
// image SHA-256, subject and embedding. Every search row records it; `rtccctl` and the audit
// compare it. Its canonical form ("rtcc-gallery-snapshot-v1") must never change silently: a
// known-answer test pins it (gallery_snapshot_hash_test.cc).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "base/sha256.h"

namespace rtcc::matcher {

class SnapshotHasher {
 public:
  // Starts the hash of a snapshot of `faces` faces of `dimension` floats made by `model`.
  SnapshotHasher(std::string_view model, std::size_t dimension, std::size_t faces);
  // Adds the next face, in ascending order of `image_sha256` (64 hex digits).
  void AddFace(std::string_view image_sha256, std::string_view subject,
               std::span<const float> embedding);
  // The snapshot hash (hex); the hasher may not be used after it.
  std::string Hex() { return hash_.Hex(); }

 private:
  base::Sha256 hash_;
  std::string part_;  // reused between faces
};

}  // namespace rtcc::matcher
