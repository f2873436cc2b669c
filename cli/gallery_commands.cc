#include "cli/gallery_commands.h"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "base/json.h"
#include "cli/eval_pairs.h"
#include "matcher/face_engine.h"
#include "matcher/gallery.h"

namespace rtcc::cli {
namespace {

// "enrolling [#########-----------]  412/1000" on a terminal; a line per 10 % otherwise.
class ProgressBar {
 public:
  explicit ProgressBar(std::string what) : what_(std::move(what)), tty_(::isatty(2)) {}
  void operator()(std::size_t done, std::size_t total) {
    if (total == 0) return;
    int percent = static_cast<int>(100 * done / total);
    if (tty_) {
      int filled = percent * 30 / 100;
      std::cerr << "\r" << what_ << " [" << std::string(filled, '#')
                << std::string(30 - filled, '-') << "] " << done << "/" << total
                << (done == total ? "\n" : "") << std::flush;
    } else if (percent / 10 != last_decile_ || done == total) {
      last_decile_ = percent / 10;
      std::cerr << what_ << ": " << done << "/" << total << " images\n";
    }
  }

 private:
  std::string what_;
  bool tty_;
  int last_decile_ = -1;
};

void PrintStats(const matcher::GalleryStats& s, bool json) {
  if (json) {
    base::Json j = {{"subjects", s.subjects},
                    {"faces", s.faces},
                    {"model_id", s.model_id},
                    {"dim", s.dim},
                    {"snapshot_hash", s.snapshot_hash},
                    {"last_enrolled_at", s.last_enrolled_at},
                    {"database_bytes", s.database_bytes}};
    std::cout << base::JsonText(j) << "\n";
    return;
  }
  std::cout << "gallery: " << s.subjects << " subject(s), " << s.faces << " face(s)\n";
  if (s.faces == 0) return;
  std::cout << "model: " << s.model_id << " (" << s.dim << "-d)\n"
            << "snapshot: " << s.snapshot_hash << "\n"
            << "last enrolled: " << s.last_enrolled_at << "\n";
  for (const auto& [source, n] : s.faces_per_source)
    std::cout << "  " << n << " face(s) from " << source << "\n";
  std::cout << "storage: " << s.database_bytes << " bytes database, " << s.sidecar_bytes
            << " bytes matrix; " << s.load << "\n";
}

struct GalleryArgs {
  std::string dir, manifest, source, subject;
  std::string pairs, root;
  int threads = 1;
};

}  // namespace

void AddGalleryCommands(CLI::App& app, const CommandContext& context) {
  auto args = std::make_shared<GalleryArgs>();
  auto* gallery = app.add_subcommand("gallery", "the enrolled gallery");
  gallery->require_subcommand(1);

  auto* enroll = gallery->add_subcommand(
      "enroll", "enrol a folder (one sub-folder per subject) or a CSV manifest");
  enroll->add_option("dir", args->dir, "folder of subject folders")->check(CLI::ExistingDirectory);
  enroll
      ->add_option("--manifest", args->manifest,
                   "CSV: subject_id,name,image,source,date (image relative to the CSV)")
      ->check(CLI::ExistingFile);
  enroll->add_option("--source", args->source, "provenance recorded with every face");
  enroll->callback([&context, args] {
    if (args->dir.empty() == args->manifest.empty())
      throw CLI::ValidationError("gallery enroll", "give a folder or --manifest FILE (one)");
    auto config = context.LoadConfig();
    auto g = matcher::Gallery::Open(config.gallery_path());
    auto engine = matcher::FaceEngine::Load(config.engine);
    ProgressBar bar("enrolling");
    matcher::EnrollOptions options{args->source, std::ref(bar)};
    auto report = args->manifest.empty() ? g->EnrollDirectory(*engine, args->dir, options)
                                         : g->EnrollManifest(*engine, args->manifest, options);
    for (const auto& p : report.problems) std::cerr << "skipped: " << p << "\n";
    std::cout << "enrolled " << report.faces_enrolled << " face(s) from " << report.images_seen
              << " image(s); " << report.already_enrolled << " already enrolled; "
              << report.problems.size() << " skipped\n";
    PrintStats(g->Stats(), false);
  });

  auto* remove = gallery->add_subcommand("remove", "remove a subject and all of its faces");
  remove->add_option("subject", args->subject, "subject id")->required();
  remove->callback([&context, args] {
    auto g = matcher::Gallery::Open(context.LoadConfig().gallery_path());
    std::size_t n = g->RemoveSubject(args->subject);
    if (n == 0) throw NotFound("no subject '" + args->subject + "' in the gallery");
    std::cout << "removed " << args->subject << ": " << n << " face(s)\n";
  });

  auto* stats = gallery->add_subcommand("stats", "subjects, faces, model, provenance, snapshot");
  stats->callback([&context] {
    auto g = matcher::Gallery::Open(context.LoadConfig().gallery_path());
    PrintStats(g->Stats(), context.json);
  });

  auto* eval = app.add_subcommand(
      "eval-pairs", "accuracy of the face pipeline on an LFW-style pairs file (k-fold)");
  eval->add_option("--pairs", args->pairs, "pairs.txt: `folds n`, then the pairs")
      ->required()
      ->check(CLI::ExistingFile);
  eval->add_option("--root", args->root, "images at ROOT/<name>/<name>_<iiii>.jpg")
      ->required()
      ->check(CLI::ExistingDirectory);
  eval->add_option("--threads", args->threads, "images analysed in parallel (default 1)")
      ->check(CLI::Range(1, 64));
  eval->callback([&context, args] {
    auto config = context.LoadConfig();
    EvalPairsOptions o;
    o.pairs_file = args->pairs;
    o.root = args->root;
    o.engine = config.engine;
    o.threshold = config.match_threshold;
    o.threads = args->threads;
    o.progress = &std::cerr;
    if (int rc = RunEvalPairs(o, std::cout); rc != 0)
      throw std::runtime_error("eval-pairs failed (see the error line above)");
  });
}

}  // namespace rtcc::cli
