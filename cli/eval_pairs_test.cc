// RunEvalPairs through the real pipeline on a small pairs file made at test time from
// ../shared/faces/lfw-dev: the first 20 same-person and 20 different-person pairs of its fold 1,
// as 2 folds of 10 + 10.
#include "cli/eval_pairs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rtcc::cli {
namespace {

namespace fs = std::filesystem;
const fs::path kLfw = fs::path(RTCC_TEST_FACES_DIR) / "lfw-dev";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class EvalPairs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rtcc-eval-pairs-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::ifstream lfw(kLfw / "pairs.txt");
    ASSERT_TRUE(lfw);
    std::vector<std::string> lines;
    for (std::string line; std::getline(lfw, line);) lines.push_back(line);
    ASSERT_GE(lines.size(), 601u);
    // lines[1..300]: fold 1's same-person pairs; lines[301..600]: its different-person pairs.
    std::ofstream out(dir_ / "pairs.txt");
    out << "2\t10\n";
    for (int fold = 0; fold < 2; ++fold) {
      for (int i = 0; i < 10; ++i) out << lines[1 + fold * 10 + i] << "\n";
      for (int i = 0; i < 10; ++i) out << lines[301 + fold * 10 + i] << "\n";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  EvalPairsOptions Options() const {
    EvalPairsOptions o;
    o.pairs_file = dir_ / "pairs.txt";
    o.root = kLfw / "images";
    o.engine.flip = false;  // the plain path keeps the test short
    return o;
  }

  fs::path dir_;
};

TEST_F(EvalPairs, PrintsTheFiguresAndEndsWithTheAccuracyLine) {
  std::ostringstream out;
  ASSERT_EQ(RunEvalPairs(Options(), out), 0) << out.str();
  const std::vector<std::string> lines = Lines(out.str());
  ASSERT_FALSE(lines.empty());
  std::cout << out.str();
  EXPECT_EQ(lines.front().rfind("eval-pairs: 40 pairs in 2 folds (20 same-person, 20 "
                                "different-person), ",
                                0),
            0u)
      << lines.front();
  const auto has = [&](const std::string& start) {
    for (const std::string& l : lines) {
      if (l.rfind(start, 0) == 0) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("engine: dlib_face_recognition_resnet_model_v1, detector=hog flip=0 jitter=0"));
  EXPECT_TRUE(has("fold 1: threshold "));
  EXPECT_TRUE(has("fold 2: threshold "));
  EXPECT_TRUE(has("k-fold accuracy: "));
  EXPECT_TRUE(has("accuracy at the configured threshold 0.600: "));
  EXPECT_TRUE(has("calibrated threshold (best accuracy over all 40 pairs): "));
  EXPECT_TRUE(has("TAR at FAR 0.1 %: "));
  EXPECT_TRUE(has("time per image (median ms): "));
  // The last line, exactly: accuracy=<fraction> pairs=<n>. Measured: 1.00000 (every pair right).
  const std::string& last = lines.back();
  ASSERT_EQ(last.rfind("accuracy=", 0), 0u) << last;
  const auto space = last.find(" pairs=");
  ASSERT_NE(space, std::string::npos) << last;
  EXPECT_EQ(last.substr(space), " pairs=40");
  const double accuracy = std::stod(last.substr(9, space - 9));
  EXPECT_GE(accuracy, 0.95);
  EXPECT_LE(accuracy, 1.0);
}

TEST_F(EvalPairs, AMissingImageIsAnErrorWithoutAnAccuracyLine) {
  EvalPairsOptions o = Options();
  o.root = dir_ / "no-images-here";
  std::ostringstream out;
  EXPECT_EQ(RunEvalPairs(o, out), 1);
  EXPECT_EQ(out.str().rfind("error: no image ", 0), 0u) << out.str();
  EXPECT_EQ(out.str().find("accuracy="), std::string::npos);
}

TEST_F(EvalPairs, AMalformedPairsFileNamesItsLine) {
  std::ofstream(dir_ / "bad.txt") << "2\t10\nAbel_Pacheco\tone\t4\n";
  EvalPairsOptions o = Options();
  o.pairs_file = dir_ / "bad.txt";
  std::ostringstream out;
  EXPECT_EQ(RunEvalPairs(o, out), 1);
  EXPECT_NE(out.str().find("pairs file line 2"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace rtcc::cli
