// Verification accuracy on labelled pairs (LFW's protocol): the pairs file, k-fold accuracy with
// the threshold chosen on the other folds, accuracy at a given threshold, the best threshold, and
// the true-accept rate at a false-accept rate. Plain arithmetic over distances: no model needed.
// cli/eval_pairs.cc runs the face engine over the images and prints these.
#pragma once

#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace rtcc::matcher {

// One line of an LFW-style pairs file: `name i j` (same person) or `name1 i name2 j`.
struct PairSpec {
  std::string name_a;
  int index_a = 0;
  std::string name_b;
  int index_b = 0;
  bool same = false;
  int fold = 0;  // 0-based
};

struct PairsFile {
  int folds = 0;
  int per_fold = 0;  // same-person pairs per fold, and as many different-person pairs
  std::vector<PairSpec> pairs;
};

// Reads `folds n`, then per fold n same-person and n different-person lines (LFW's pairs.txt;
// fields separated by tabs or spaces). Throws std::runtime_error naming the line when the file
// does not follow that layout.
PairsFile ReadPairsFile(std::istream& in);

// DIR/<name>/<name>_<iiii>.jpg, LFW's layout.
std::filesystem::path PairImagePath(const std::filesystem::path& root, const std::string& name,
                                    int index);

// A compared pair. No distance: a face was missing in one of its images; such a pair counts as
// an error in every accuracy (whatever the threshold) and is never accepted for TAR/FAR.
struct ScoredPair {
  int fold = 0;
  bool same = false;
  std::optional<double> distance;
};

// Pairs are declared "same person" when distance < threshold (dlib's rule, as the daemon's).
bool Accepted(const ScoredPair& p, double threshold);
bool Correct(const ScoredPair& p, double threshold);

// Fraction of `pairs` decided correctly at `threshold` (0 when there are none).
double AccuracyAt(const std::vector<ScoredPair>& pairs, double threshold);

struct ThresholdChoice {
  double threshold = 0;
  double accuracy = 0;
};

// The threshold with the highest accuracy on `pairs`: tried at every midpoint between
// consecutive distinct distances (and just outside the extremes). When several give the same
// best accuracy, the middle one of them is taken.
ThresholdChoice BestThreshold(const std::vector<ScoredPair>& pairs);

struct FoldResult {
  int fold = 0;
  double threshold = 0;  // chosen on the other folds
  int correct = 0;
  int pairs = 0;
  double accuracy = 0;
};

struct KFoldResult {
  std::vector<FoldResult> folds;
  double mean_accuracy = 0;  // mean of the folds' accuracies (LFW's figure)
  double stddev = 0;         // their sample standard deviation
};

// For each fold: the threshold BestThreshold picks on all the other folds, tested on this fold.
KFoldResult KFoldAccuracy(const std::vector<ScoredPair>& pairs, int folds);

struct TarAtFar {
  double target_far = 0;
  double threshold = 0;  // accept when distance < threshold
  int impostors = 0;     // different-person pairs (all of them, with or without faces)
  int impostors_accepted = 0;
  double far = 0;    // impostors_accepted / impostors
  int genuines = 0;  // same-person pairs (all of them)
  int genuines_accepted = 0;
  double tar = 0;  // genuines_accepted / genuines
};

// The true-accept rate at the largest threshold that accepts at most floor(target_far x
// impostors) different-person pairs. With 1500 different-person pairs, FAR 0.1 % allows 1.
TarAtFar TarAtFarOf(const std::vector<ScoredPair>& pairs, double target_far);

}  // namespace rtcc::matcher
