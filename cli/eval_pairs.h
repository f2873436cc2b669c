// `rtccctl eval-pairs`: the proof of the matcher's accuracy on an LFW-style pairs file, through
// the real pipeline (decode, detect, align, embed: FaceEngine::AnalyzeProbe with the daemon's
// EngineOptions).
#pragma once

#include <filesystem>
#include <ostream>

#include "matcher/face_engine.h"

namespace rtcc::cli {

struct EvalPairsOptions {
  std::filesystem::path
      pairs_file;                 // `folds n`, then per fold n same- and n different-person lines
  std::filesystem::path root;     // images at root/<name>/<name>_<iiii>.jpg
  matcher::EngineOptions engine;  // the daemon's settings (detector, flip, jitter...)
  double threshold = 0.6;         // the configured match threshold ([matcher] threshold)
  // Images analysed in parallel, one engine each (each engine holds ~100 MB of models). With more
  // than 1, set OPENBLAS_NUM_THREADS=1 so that OpenBLAS's own threads do not compete.
  int threads = 1;
  // Progress lines ("analysed 500 of 3811 images") go here when set (rtccctl: stderr).
  std::ostream* progress = nullptr;
};

// Reads the pairs file, analyses every image once (cached in memory for the run), and prints to
// `out`: what was run, the images with no face (their pairs count as errors), time per image and
// per face, the k-fold accuracy with each fold's threshold (chosen on the other folds), accuracy
// at the configured threshold, the calibrated threshold (best over all pairs), TAR at FAR 0.1 %,
// and accuracy by the worst quality grade of a pair. Its last line is exactly
// `accuracy=<k-fold fraction> pairs=<n>`. Returns 0; 1 (with an `error:` line and no
// `accuracy=` line) when the pairs file is malformed, an image is missing or a model cannot load.
int RunEvalPairs(const EvalPairsOptions& options, std::ostream& out);

}  // namespace rtcc::cli
