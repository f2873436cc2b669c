#include "cli/eval_pairs.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/strings.h"
#include "matcher/pair_eval.h"

namespace rtcc::cli {
namespace {

namespace fs = std::filesystem;
using matcher::QualityGrade;

// What one image gave: the compared face (if any), how many faces, and the time it took.
struct ImageResult {
  std::optional<matcher::Embedding> embedding;
  QualityGrade grade = QualityGrade::kGood;
  int faces = 0;
  bool by_fallback = false;  // the compared face was found by the MMOD fallback
  std::string error;         // the ImageError, when the file could not be decoded
  matcher::StageTimes times;
  double total_ms = 0;
};

using base::Fixed;

std::string Percent(double fraction, int decimals = 2) { return Fixed(100 * fraction, decimals); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<std::uint8_t> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// LFW's images show their labelled person in the centre (that is how the set was made); other
// faces in the background are other people. With several faces, the one whose box centre is
// nearest the image centre is compared. (The daemon searches every face of a probe.)
const matcher::DetectedFace* CentralFace(const matcher::ProbeAnalysis& a) {
  const matcher::DetectedFace* best = nullptr;
  double best_d2 = 0;
  for (const matcher::DetectedFace& f : a.faces) {
    const double dx = f.box.x + f.box.width / 2.0 - a.image.width / 2.0;
    const double dy = f.box.y + f.box.height / 2.0 - a.image.height / 2.0;
    const double d2 = dx * dx + dy * dy;
    if (!best || d2 < best_d2) {
      best = &f;
      best_d2 = d2;
    }
  }
  return best;
}

ImageResult AnalyzeOne(const EvalPairsOptions& options, matcher::FaceEngine& engine,
                       const fs::path& file) {
  ImageResult r;
  const std::vector<std::uint8_t> bytes = ReadFile(file);
  const auto start = std::chrono::steady_clock::now();
  try {
    const matcher::ProbeAnalysis a = engine.AnalyzeProbe(bytes);
    r.faces = static_cast<int>(a.faces.size());
    r.times = a.times;
    if (const matcher::DetectedFace* f = CentralFace(a)) {
      r.embedding = f->embedding;
      r.grade = f->quality.grade;
      r.by_fallback = f->detector == "mmod" && options.engine.detector != matcher::Detector::kMmod;
    }
  } catch (const matcher::ImageError& e) {
    r.error = e.what();
  }
  r.total_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// Analyses every file once, the engines side by side.
std::vector<ImageResult> AnalyzeAll(
    const EvalPairsOptions& options,
    const std::vector<std::unique_ptr<matcher::FaceEngine>>& engines,
    const std::vector<fs::path>& files) {
  std::vector<ImageResult> results(files.size());
  const int threads = static_cast<int>(engines.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  std::mutex progress_mutex;
  const auto work = [&](matcher::FaceEngine& engine) {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      try {
        results[i] = AnalyzeOne(options, engine, files[i]);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = files.size();
        return;
      }
      const std::size_t n = ++done;
      if (options.progress && (n % 250 == 0 || n == files.size())) {
        const std::lock_guard lock(progress_mutex);
        *options.progress << "eval-pairs: analysed " << n << " of " << files.size() << " images\n";
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, std::ref(*engines[t]));
  work(*engines[0]);
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  return results;
}

}  // namespace

int RunEvalPairs(const EvalPairsOptions& options, std::ostream& out) {
  try {
    std::ifstream pairs_in(options.pairs_file);
    if (!pairs_in) throw std::runtime_error("cannot read " + options.pairs_file.string());
    const matcher::PairsFile pairs = matcher::ReadPairsFile(pairs_in);

    // Each image once: index by path.
    std::map<fs::path, std::size_t> index;
    std::vector<fs::path> files;
    std::vector<std::pair<std::size_t, std::size_t>> pair_images;
    for (const matcher::PairSpec& p : pairs.pairs) {
      std::size_t ids[2];
      int k = 0;
      for (const fs::path& file : {matcher::PairImagePath(options.root, p.name_a, p.index_a),
                                   matcher::PairImagePath(options.root, p.name_b, p.index_b)}) {
        const auto [it, added] = index.emplace(file, files.size());
        if (added) {
          if (!fs::is_regular_file(file)) throw std::runtime_error("no image " + file.string());
          files.push_back(file);
        }
        ids[k++] = it->second;
      }
      pair_images.emplace_back(ids[0], ids[1]);
    }

    std::vector<std::unique_ptr<matcher::FaceEngine>> engines;
    const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(files.size())));
    for (int t = 0; t < threads; ++t) engines.push_back(matcher::FaceEngine::Load(options.engine));
    out << "eval-pairs: " << pairs.pairs.size() << " pairs in " << pairs.folds << " folds ("
        << pairs.folds * pairs.per_fold << " same-person, " << pairs.folds * pairs.per_fold
        << " different-person), " << files.size() << " images under " << options.root.string()
        << "\n";
    out << "engine: " << engines[0]->model_id() << ", " << engines[0]->settings()
        << "; a pair is the same person when distance < threshold\n";

    const auto start = std::chrono::steady_clock::now();
    const std::vector<ImageResult> results = AnalyzeAll(options, engines, files);
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // Images: faces found, time.
    std::vector<double> total, decode, detect, align, embed, quality;
    int no_face = 0, several = 0, unreadable = 0, faces = 0, by_fallback = 0;
    for (const ImageResult& r : results) {
      if (!r.error.empty()) {
        ++unreadable;
        continue;
      }
      faces += r.faces;
      if (r.faces == 0) ++no_face;
      if (r.faces > 1) ++several;
      if (r.by_fallback) ++by_fallback;
      total.push_back(r.total_ms);
      decode.push_back(r.times.decode_ms);
      detect.push_back(r.times.detect_ms);
      align.push_back(r.times.align_ms);
      embed.push_back(r.times.embed_ms);
      quality.push_back(r.times.quality_ms);
    }
    std::vector<int> pairs_of(files.size(), 0);
    for (const auto& [a, b] : pair_images) {
      ++pairs_of[a];
      if (b != a) ++pairs_of[b];
    }
    std::vector<matcher::ScoredPair> scored;
    std::map<QualityGrade, std::vector<matcher::ScoredPair>> by_grade;
    int lost_pairs = 0;
    for (std::size_t k = 0; k < pairs.pairs.size(); ++k) {
      const ImageResult& a = results[pair_images[k].first];
      const ImageResult& b = results[pair_images[k].second];
      matcher::ScoredPair s{pairs.pairs[k].fold, pairs.pairs[k].same, std::nullopt};
      if (a.embedding && b.embedding) {
        s.distance = matcher::Distance(*a.embedding, *b.embedding);
        by_grade[std::max(a.grade, b.grade)].push_back(s);
      } else {
        ++lost_pairs;
      }
      scored.push_back(s);
    }

    out << "images: " << files.size() << " analysed, " << faces << " faces; " << several
        << " with several faces (the face nearest the centre, LFW's labelled person, is "
           "compared); "
        << no_face << " with no face";
    if (by_fallback) {
      out << "; " << by_fallback
          << " whose face only the MMOD fallback found (the configured detector found none)";
    }
    if (unreadable) out << "; " << unreadable << " unreadable";
    out << "\n";
    if (no_face + unreadable > 0) {
      out << "pairs with an image without a face: " << lost_pairs
          << " (each counts as an error at every threshold, and is never accepted)\n";
      for (std::size_t i = 0; i < files.size(); ++i) {
        if (results[i].embedding) continue;
        out << "  no face: " << fs::relative(files[i], options.root).string() << " (" << pairs_of[i]
            << (pairs_of[i] == 1 ? " pair" : " pairs")
            << (results[i].error.empty() ? "" : "; " + results[i].error) << ")\n";
      }
    }
    const double faces_per_image = total.empty() ? 0 : static_cast<double>(faces) / total.size();
    out << "time per image (median ms): " << Fixed(Median(total), 1) << " = decode "
        << Fixed(Median(decode), 1) << " + detect " << Fixed(Median(detect), 1) << " + align "
        << Fixed(Median(align), 1) << " + embed " << Fixed(Median(embed), 1) << " + quality "
        << Fixed(Median(quality), 1) << "; " << Fixed(faces_per_image, 2)
        << " faces per image; wall " << Fixed(wall_s, 1) << " s with " << threads
        << (threads == 1 ? " thread" : " threads") << "\n";

    const matcher::KFoldResult kfold = matcher::KFoldAccuracy(scored, pairs.folds);
    for (const matcher::FoldResult& f : kfold.folds) {
      out << "fold " << f.fold + 1 << ": threshold " << Fixed(f.threshold, 4)
          << " (chosen on the other folds), accuracy " << Fixed(f.accuracy, 4) << " (" << f.correct
          << "/" << f.pairs << ")\n";
    }
    out << "k-fold accuracy: " << Percent(kfold.mean_accuracy) << " % +- " << Percent(kfold.stddev)
        << " (" << pairs.folds << " folds)\n";
    const double at_configured = matcher::AccuracyAt(scored, options.threshold);
    out << "accuracy at the configured threshold " << Fixed(options.threshold, 3) << ": "
        << Percent(at_configured) << " %\n";
    const matcher::ThresholdChoice best = matcher::BestThreshold(scored);
    out << "calibrated threshold (best accuracy over all " << scored.size()
        << " pairs): " << Fixed(best.threshold, 4) << " (accuracy " << Percent(best.accuracy)
        << " %)\n";
    const matcher::TarAtFar tar = matcher::TarAtFarOf(scored, 0.001);
    out << "TAR at FAR 0.1 %: " << Percent(tar.tar) << " % (threshold " << Fixed(tar.threshold, 4)
        << ": " << tar.genuines_accepted << " of " << tar.genuines << " same-person pairs and "
        << tar.impostors_accepted << " of " << tar.impostors
        << " different-person pairs accepted)\n";
    out << "accuracy at " << Fixed(options.threshold, 3)
        << " by the worse quality grade of the pair's two faces:";
    for (const QualityGrade g : {QualityGrade::kGood, QualityGrade::kFair, QualityGrade::kPoor}) {
      const auto it = by_grade.find(g);
      const std::size_t n = it == by_grade.end() ? 0 : it->second.size();
      out << " " << matcher::GradeName(g) << " ";
      out << (n ? Percent(matcher::AccuracyAt(it->second, options.threshold)) + " %" : "-");
      out << " (" << n << " pairs)";
    }
    out << "\n";
    out << "accuracy=" << Fixed(kfold.mean_accuracy, 5) << " pairs=" << scored.size() << "\n";
    return 0;
  } catch (const std::exception& e) {
    out << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rtcc::cli
