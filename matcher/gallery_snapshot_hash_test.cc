#include "matcher/gallery_snapshot_hash.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace rtcc::matcher {
namespace {

const float kJohn[] = {0.5f, -0.25f, 1.0f};
const float kJane[] = {0.0f, 0.125f, -2.0f};

std::string TwoFaces() {
  SnapshotHasher hash("dlib-resnet-v1", 3, 2);
  hash.AddFace(std::string(64, 'a'), "John_Doe", kJohn);
  hash.AddFace(std::string(64, 'b'), "Jane", kJane);
  return hash.Hex();
}

// Every search row of every database names its gallery by this hash: a change of the canonical
// form would make every recorded search unverifiable. If this test fails, the form changed — give
// it a new version ("-v2") and keep reading v1, do not update the constant.
TEST(SnapshotHash, KnownAnswerPinsTheCanonicalForm) {
  // The same bytes hashed by Python's hashlib (struct.pack("<3f", ...)) gave this value.
  EXPECT_EQ(TwoFaces(), "cc6580e67b3224d781fe45e34be8d793982891f275df368f01cfbc3337bc93f0");
}

TEST(SnapshotHash, IsTheDocumentedSerialization) {
  std::string bytes = "rtcc-gallery-snapshot-v1\ndlib-resnet-v1\n3\n2\n";
  auto face = [&](char sha, const std::string& subject, const float* v) {
    bytes += std::string(64, sha) + "\n" + std::to_string(subject.size()) + ":" + subject + "\n";
    bytes.append(reinterpret_cast<const char*>(v), 3 * sizeof(float));
  };
  face('a', "John_Doe", kJohn);
  face('b', "Jane", kJane);
  EXPECT_EQ(TwoFaces(), base::Sha256Hex(std::string_view(bytes)));
}

TEST(SnapshotHash, EveryPartCounts) {
  SnapshotHasher other_model("other-model", 3, 2);
  other_model.AddFace(std::string(64, 'a'), "John_Doe", kJohn);
  other_model.AddFace(std::string(64, 'b'), "Jane", kJane);
  EXPECT_NE(other_model.Hex(), TwoFaces());
  SnapshotHasher renamed("dlib-resnet-v1", 3, 2);
  renamed.AddFace(std::string(64, 'a'), "John_Do", kJohn);  // "e" moved to the next field
  renamed.AddFace(std::string(64, 'b'), "eJane", kJane);
  EXPECT_NE(renamed.Hex(), TwoFaces());
}

}  // namespace
}  // namespace rtcc::matcher
