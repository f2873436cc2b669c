// The LFW-protocol arithmetic on tiny synthetic sets whose answers are worked out by hand.
#include "matcher/pair_eval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtcc::matcher {
namespace {

ScoredPair Same(int fold, double d) { return {fold, true, d}; }
ScoredPair Diff(int fold, double d) { return {fold, false, d}; }

TEST(ReadPairsFile, ReadsFoldsOfSameThenDifferentPairs) {
  std::istringstream in(
      "2\t2\n"
      "Abel_Pacheco\t1\t4\n"
      "Akhmed_Zakayev 1 3\n"
      "Abdel_Madi_Shabneh\t1\tDean_Barker\t1\n"
      "Abdel_Madi_Shabneh 1 Giancarlo_Fisichella 1\n"
      "\n"
      "Ann_Veneman\t3\t5\n"
      "Ann_Veneman\t6\t10\n"
      "Adam_Sandler\t1\tAnne_Donovan\t1\n"
      "Adam_Sandler\t2\tAnne_Donovan\t1\n");
  const PairsFile file = ReadPairsFile(in);
  EXPECT_EQ(file.folds, 2);
  EXPECT_EQ(file.per_fold, 2);
  ASSERT_EQ(file.pairs.size(), 8u);
  EXPECT_TRUE(file.pairs[0].same);
  EXPECT_EQ(file.pairs[0].name_a, "Abel_Pacheco");
  EXPECT_EQ(file.pairs[0].name_b, "Abel_Pacheco");
  EXPECT_EQ(file.pairs[0].index_b, 4);
  EXPECT_FALSE(file.pairs[2].same);
  EXPECT_EQ(file.pairs[2].name_b, "Dean_Barker");
  EXPECT_EQ(file.pairs[3].fold, 0);
  EXPECT_EQ(file.pairs[4].fold, 1);
  EXPECT_TRUE(file.pairs[5].same);
  EXPECT_EQ(file.pairs[5].index_b, 10);
  EXPECT_FALSE(file.pairs[7].same);
  EXPECT_EQ(PairImagePath("/lfw", "Ann_Veneman", 3), "/lfw/Ann_Veneman/Ann_Veneman_0003.jpg");
}

std::string ErrorOf(const std::string& text) {
  std::istringstream in(text);
  try {
    ReadPairsFile(in);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ReadPairsFile, NamesTheLineThatIsWrong) {
  EXPECT_EQ(ErrorOf(""), "pairs file is empty");
  EXPECT_NE(ErrorOf("10\n").find("line 1"), std::string::npos);
  EXPECT_NE(ErrorOf("2 1\nA 1 2\nB 1 C\n").find("line 3"), std::string::npos);
  EXPECT_NE(ErrorOf("2 1\nA 1 2\nB 1 C x\n").find("\"x\" is not an index"), std::string::npos);
  EXPECT_NE(ErrorOf("2 1\nA 1 2\nB 1 C 2\nD 1 2\n").find("ends after 3 pairs"), std::string::npos);
}

TEST(AccuracyAt, CountsStrictlyBelowAsSameAndMissingFacesAsErrors) {
  const std::vector<ScoredPair> pairs = {Same(0, 0.3),
                                         Same(0, 0.6),
                                         Diff(0, 0.6),
                                         Diff(0, 0.2),
                                         ScoredPair{0, true, std::nullopt},
                                         ScoredPair{0, false, std::nullopt}};
  // At 0.6: 0.3 same (right), 0.6 same (not < 0.6: wrong), 0.6 different (right), 0.2 different
  // (wrong), both pairs without a face wrong.
  EXPECT_DOUBLE_EQ(AccuracyAt(pairs, 0.6), 2.0 / 6);
  EXPECT_DOUBLE_EQ(AccuracyAt(pairs, 0.61), 2.0 / 6);
  EXPECT_DOUBLE_EQ(AccuracyAt({}, 0.6), 0);
}

TEST(BestThreshold, PicksTheMidpointOfTheGap) {
  const std::vector<ScoredPair> pairs = {Same(0, 0.1), Same(0, 0.3), Diff(0, 0.5), Diff(0, 0.9)};
  const ThresholdChoice best = BestThreshold(pairs);
  EXPECT_DOUBLE_EQ(best.threshold, 0.4);
  EXPECT_DOUBLE_EQ(best.accuracy, 1.0);
}

// Three folds of 2 + 2 pairs. Worked by hand (candidates are the midpoints of consecutive
// distances; ties take the middle candidate, i.e. the higher of two):
// - fold 3 tested with the threshold of folds 1+2: the one perfect cut, (0.35 + 0.7) / 2 = 0.525;
//   on fold 3, 0.65 (same) is rejected: 3/4.
// - fold 1, trained on folds 2+3: 0.55 and 0.675 both give 7/8 -> 0.675; fold 1 all right: 4/4.
// - fold 2, trained on folds 1+3: 0.55 and 0.725 both give 7/8 -> 0.725; on fold 2, 0.7
//   (different) is accepted: 3/4.
TEST(KFoldAccuracy, ChoosesEachThresholdOnTheOtherFolds) {
  const std::vector<ScoredPair> pairs = {
      Same(0, 0.1), Same(0, 0.2),  Diff(0, 0.8), Diff(0, 0.9),   //
      Same(1, 0.3), Same(1, 0.35), Diff(1, 0.7), Diff(1, 0.75),  //
      Same(2, 0.5), Same(2, 0.65), Diff(2, 0.6), Diff(2, 0.9)};
  const KFoldResult r = KFoldAccuracy(pairs, 3);
  ASSERT_EQ(r.folds.size(), 3u);
  EXPECT_NEAR(r.folds[0].threshold, 0.675, 1e-12);
  EXPECT_EQ(r.folds[0].correct, 4);
  EXPECT_NEAR(r.folds[1].threshold, 0.725, 1e-12);
  EXPECT_EQ(r.folds[1].correct, 3);
  EXPECT_NEAR(r.folds[2].threshold, 0.525, 1e-12);
  EXPECT_EQ(r.folds[2].correct, 3);
  EXPECT_EQ(r.folds[2].pairs, 4);
  EXPECT_NEAR(r.mean_accuracy, (1.0 + 0.75 + 0.75) / 3, 1e-12);
  const double mean = 2.5 / 3;  // sample standard deviation of 1, 0.75, 0.75
  EXPECT_NEAR(r.stddev,
              std::sqrt(((1 - mean) * (1 - mean) + 2 * (0.75 - mean) * (0.75 - mean)) / 2), 1e-12);
}

TEST(KFoldAccuracy, APairWithoutAFaceIsAnErrorInItsFold) {
  std::vector<ScoredPair> pairs = {Same(0, 0.1), Diff(0, 0.9), Same(1, 0.2), Diff(1, 0.8)};
  EXPECT_DOUBLE_EQ(KFoldAccuracy(pairs, 2).mean_accuracy, 1.0);
  pairs.push_back({1, true, std::nullopt});
  pairs.push_back({1, false, std::nullopt});
  const KFoldResult r = KFoldAccuracy(pairs, 2);
  EXPECT_EQ(r.folds[1].pairs, 4);
  EXPECT_EQ(r.folds[1].correct, 2);
  EXPECT_DOUBLE_EQ(r.mean_accuracy, (1.0 + 0.5) / 2);
}

// 1000 different-person pairs at 0.500, 0.501, ... 1.499: FAR 0.1 % allows one of them, so the
// threshold is the second-closest (0.501) and accepts exactly the closest. Same-person pairs at
// 0.1 ... 1.0 (10) and one without a face: 5 of the 11 lie below 0.501.
TEST(TarAtFarOf, AcceptsAtMostTheAllowedImpostors) {
  std::vector<ScoredPair> pairs;
  for (int i = 0; i < 1000; ++i) pairs.push_back(Diff(0, 0.5 + i / 1000.0));
  for (int i = 1; i <= 10; ++i) pairs.push_back(Same(0, i / 10.0));
  pairs.push_back({0, true, std::nullopt});
  const TarAtFar r = TarAtFarOf(pairs, 0.001);
  EXPECT_NEAR(r.threshold, 0.501, 1e-12);
  EXPECT_EQ(r.impostors, 1000);
  EXPECT_EQ(r.impostors_accepted, 1);
  EXPECT_DOUBLE_EQ(r.far, 0.001);
  EXPECT_EQ(r.genuines, 11);
  EXPECT_EQ(r.genuines_accepted, 5);  // 0.1 0.2 0.3 0.4 0.5
  EXPECT_DOUBLE_EQ(r.tar, 5.0 / 11);
  // Stricter than one in 1000: nothing may be accepted, the threshold is the closest impostor.
  const TarAtFar strict = TarAtFarOf(pairs, 0.0005);
  EXPECT_NEAR(strict.threshold, 0.5, 1e-12);
  EXPECT_EQ(strict.impostors_accepted, 0);
  EXPECT_EQ(strict.genuines_accepted, 4);
}

}  // namespace
}  // namespace rtcc::matcher
