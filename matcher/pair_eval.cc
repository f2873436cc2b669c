#include "matcher/pair_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace rtcc::matcher {
namespace {

[[noreturn]] void BadLine(int number, const std::string& line, const std::string& why) {
  throw std::runtime_error("pairs file line " + std::to_string(number) + " (\"" + line +
                           "\"): " + why);
}

// Reads the whole line as `words`, refusing extra words.
std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

int Index(const std::string& word, int number, const std::string& line) {
  int value = 0;
  std::size_t used = 0;
  try {
    value = std::stoi(word, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != word.size() || value < 0) BadLine(number, line, "\"" + word + "\" is not an index");
  return value;
}

}  // namespace

PairsFile ReadPairsFile(std::istream& in) {
  PairsFile file;
  std::string line;
  int number = 0;
  // The header line: folds and pairs per kind per fold.
  while (std::getline(in, line)) {
    ++number;
    const auto words = Words(line);
    if (words.empty()) continue;
    if (words.size() != 2) BadLine(number, line, "the first line must be `folds n`");
    file.folds = Index(words[0], number, line);
    file.per_fold = Index(words[1], number, line);
    if (file.folds < 2 || file.per_fold < 1) {
      BadLine(number, line, "k-fold needs at least 2 folds of at least 1 pair of each kind");
    }
    break;
  }
  if (file.folds == 0) throw std::runtime_error("pairs file is empty");
  const std::size_t expected = static_cast<std::size_t>(file.folds) * file.per_fold * 2;
  while (file.pairs.size() < expected && std::getline(in, line)) {
    ++number;
    const auto words = Words(line);
    if (words.empty()) continue;
    const std::size_t k = file.pairs.size();
    PairSpec p;
    p.fold = static_cast<int>(k / (2 * file.per_fold));
    p.same = k % (2 * file.per_fold) < static_cast<std::size_t>(file.per_fold);
    if (p.same) {
      if (words.size() != 3) BadLine(number, line, "expected a same-person line `name i j`");
      p.name_a = p.name_b = words[0];
      p.index_a = Index(words[1], number, line);
      p.index_b = Index(words[2], number, line);
    } else {
      if (words.size() != 4) {
        BadLine(number, line, "expected a different-person line `name1 i name2 j`");
      }
      p.name_a = words[0];
      p.index_a = Index(words[1], number, line);
      p.name_b = words[2];
      p.index_b = Index(words[3], number, line);
    }
    file.pairs.push_back(std::move(p));
  }
  if (file.pairs.size() != expected) {
    throw std::runtime_error("pairs file ends after " + std::to_string(file.pairs.size()) +
                             " pairs; its first line announces " + std::to_string(expected));
  }
  return file;
}

std::filesystem::path PairImagePath(const std::filesystem::path& root, const std::string& name,
                                    int index) {
  char number[16];
  std::snprintf(number, sizeof number, "%04d", index);
  return root / name / (name + "_" + number + ".jpg");
}

bool Accepted(const ScoredPair& p, double threshold) {
  return p.distance.has_value() && *p.distance < threshold;
}

bool Correct(const ScoredPair& p, double threshold) {
  return p.distance.has_value() && Accepted(p, threshold) == p.same;
}

double AccuracyAt(const std::vector<ScoredPair>& pairs, double threshold) {
  if (pairs.empty()) return 0;
  const auto correct = std::count_if(pairs.begin(), pairs.end(),
                                     [&](const ScoredPair& p) { return Correct(p, threshold); });
  return static_cast<double>(correct) / static_cast<double>(pairs.size());
}

ThresholdChoice BestThreshold(const std::vector<ScoredPair>& pairs) {
  std::vector<std::pair<double, bool>> scored;  // distance, same
  for (const ScoredPair& p : pairs) {
    if (p.distance) scored.emplace_back(*p.distance, p.same);
  }
  ThresholdChoice best;
  if (pairs.empty()) return best;
  if (scored.empty()) return {0.6, 0};
  std::sort(scored.begin(), scored.end());
  // Sweep: below every distance nothing is accepted (every different-person pair is right);
  // passing each distance accepts its pair.
  int correct = static_cast<int>(
      std::count_if(scored.begin(), scored.end(), [](const auto& s) { return !s.second; }));
  std::vector<double> candidates{scored.front().first - 1e-3};
  std::vector<int> correct_at{correct};
  for (std::size_t i = 0; i < scored.size(); ++i) {
    correct += scored[i].second ? 1 : -1;
    if (i + 1 < scored.size() && scored[i + 1].first == scored[i].first) continue;
    const double next = i + 1 < scored.size() ? scored[i + 1].first : scored[i].first + 2e-3;
    candidates.push_back((scored[i].first + next) / 2);
    correct_at.push_back(correct);
  }
  const int top = *std::max_element(correct_at.begin(), correct_at.end());
  std::vector<double> tied;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (correct_at[i] == top) tied.push_back(candidates[i]);
  }
  best.threshold = tied[tied.size() / 2];
  best.accuracy = static_cast<double>(top) / static_cast<double>(pairs.size());
  return best;
}

KFoldResult KFoldAccuracy(const std::vector<ScoredPair>& pairs, int folds) {
  KFoldResult result;
  for (int k = 0; k < folds; ++k) {
    std::vector<ScoredPair> train, test;
    for (const ScoredPair& p : pairs) (p.fold == k ? test : train).push_back(p);
    FoldResult f;
    f.fold = k;
    f.threshold = BestThreshold(train).threshold;
    f.pairs = static_cast<int>(test.size());
    f.correct = static_cast<int>(std::count_if(
        test.begin(), test.end(), [&](const ScoredPair& p) { return Correct(p, f.threshold); }));
    f.accuracy = f.pairs ? static_cast<double>(f.correct) / f.pairs : 0;
    result.folds.push_back(f);
  }
  if (result.folds.empty()) return result;
  double sum = 0;
  for (const FoldResult& f : result.folds) sum += f.accuracy;
  result.mean_accuracy = sum / static_cast<double>(result.folds.size());
  if (result.folds.size() > 1) {
    double squares = 0;
    for (const FoldResult& f : result.folds) {
      squares += (f.accuracy - result.mean_accuracy) * (f.accuracy - result.mean_accuracy);
    }
    result.stddev = std::sqrt(squares / static_cast<double>(result.folds.size() - 1));
  }
  return result;
}

TarAtFar TarAtFarOf(const std::vector<ScoredPair>& pairs, double target_far) {
  TarAtFar r;
  r.target_far = target_far;
  std::vector<double> impostor;
  for (const ScoredPair& p : pairs) {
    if (p.same) {
      ++r.genuines;
    } else {
      ++r.impostors;
      if (p.distance) impostor.push_back(*p.distance);
    }
  }
  std::sort(impostor.begin(), impostor.end());
  // Accepting the `allowed` closest different-person pairs is the most FAR permits: the threshold
  // sits at the next one's distance (accept is strict <).
  const auto allowed =
      static_cast<std::size_t>(std::floor(target_far * static_cast<double>(r.impostors) + 1e-9));
  r.threshold =
      allowed < impostor.size() ? impostor[allowed] : std::numeric_limits<double>::infinity();
  for (const ScoredPair& p : pairs) {
    if (!Accepted(p, r.threshold)) continue;
    (p.same ? r.genuines_accepted : r.impostors_accepted)++;
  }
  r.far = r.impostors ? static_cast<double>(r.impostors_accepted) / r.impostors : 0;
  r.tar = r.genuines ? static_cast<double>(r.genuines_accepted) / r.genuines : 0;
  return r;
}

}  // namespace rtcc::matcher
