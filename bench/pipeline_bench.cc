// pipeline_bench: the probe pipeline (FaceEngine::AnalyzeProbe) stage by stage, per face, side by
// side in the same run with dlib's own reference path for the same models, as dlib's
// examples/dnn_face_recognition_ex.cpp does it:
//   load_image -> frontal_face_detector -> shape_predictor -> extract_image_chip(150, 0.25) -> net
// Each photo is run `repeats` times through both paths, interleaved; the medians are compared.
// A benchmark, not a test: nothing is asserted. Run it on a quiet machine:
//   OPENBLAS_NUM_THREADS=1 build/bench/pipeline_bench [repeats]
// The reference's network is DlibEmbedder::Embed with no flip or jitter, which is `net(chips)` on
// dlib's anet_type (matcher/dlib_embedder.cc keeps dlib/dnn.h in one translation unit).
#include <dlib/image_io.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_processing/shape_predictor.h>
#include <dlib/image_transforms/interpolation.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "matcher/dlib_embedder.h"
#include "matcher/face_engine.h"

namespace {

namespace fs = std::filesystem;
using rtcc::matcher::DlibEmbedder;
using rtcc::matcher::EngineOptions;
using rtcc::matcher::FaceEngine;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<std::uint8_t> ReadBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Stages {
  double decode = 0, detect = 0, align = 0, embed = 0, total = 0;
  std::size_t faces = 0;
};

// dlib's reference path (dnn_face_recognition_ex.cpp), timed stage by stage.
class Reference {
 public:
  explicit Reference(const fs::path& models)
      : detector_(dlib::get_frontal_face_detector()),
        embedder_(models / "dlib_face_recognition_resnet_model_v1.dat") {
    dlib::deserialize((models / "shape_predictor_5_face_landmarks.dat").string()) >> sp_;
  }

  Stages Run(const fs::path& file) {
    Stages s;
    auto t = Clock::now();
    dlib::matrix<dlib::rgb_pixel> img;
    dlib::load_image(img, file.string());
    s.decode = Ms(t);
    t = Clock::now();
    const std::vector<dlib::rectangle> found = detector_(img);
    s.detect = Ms(t);
    t = Clock::now();
    std::vector<dlib::matrix<dlib::rgb_pixel>> chips;
    for (const dlib::rectangle& face : found) {
      const dlib::full_object_detection shape = sp_(img, face);
      dlib::matrix<dlib::rgb_pixel> chip;
      dlib::extract_image_chip(img, dlib::get_face_chip_details(shape, 150, 0.25), chip);
      chips.push_back(std::move(chip));
    }
    s.align = Ms(t);
    t = Clock::now();
    if (!chips.empty()) embedder_.Embed(chips);
    s.embed = Ms(t);
    s.faces = found.size();
    s.total = s.decode + s.detect + s.align + s.embed;
    return s;
  }

 private:
  dlib::frontal_face_detector detector_;
  dlib::shape_predictor sp_;
  DlibEmbedder embedder_;
};

Stages RunEngine(FaceEngine& engine, const std::vector<std::uint8_t>& bytes) {
  const auto t = Clock::now();
  const rtcc::matcher::ProbeAnalysis a = engine.AnalyzeProbe(bytes);
  Stages s;
  s.total = Ms(t);
  s.decode = a.times.decode_ms;
  s.detect = a.times.detect_ms;
  s.align = a.times.align_ms;
  // The embedding and the probe-quality step (measures, crop) together: what rtcc does per face
  // after alignment.
  s.embed = a.times.embed_ms + a.times.quality_ms;
  s.faces = a.faces.size();
  return s;
}

struct Row {
  std::string photo;
  std::size_t faces_ref = 0, faces_rtcc = 0;
  std::map<std::string, std::vector<double>> ms;  // "<path>.<stage>" -> per-face times
};

void Add(Row& row, const std::string& path, const Stages& s) {
  const double f = static_cast<double>(std::max<std::size_t>(s.faces, 1));
  row.ms[path + ".decode"].push_back(s.decode / f);
  row.ms[path + ".detect"].push_back(s.detect / f);
  row.ms[path + ".align"].push_back(s.align / f);
  row.ms[path + ".embed"].push_back(s.embed / f);
  row.ms[path + ".total"].push_back(s.total / f);
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const fs::path faces = RTCC_BENCH_FACES_DIR;
  const std::vector<std::string> photos = {"ageitgey/obama.jpg",
                                           "ageitgey/obama2.jpg",
                                           "ageitgey/biden.jpg",
                                           "ageitgey/test__obama1.jpg",
                                           "ageitgey/two_people.jpg",
                                           "ageitgey/train__alex_lacamoire__img1.jpg",
                                           "ageitgey/obama_small.jpg",
                                           "dlib_johns/John_Simm/000288_00470387.jpg",
                                           "lfw-dev/images/Aaron_Sorkin/Aaron_Sorkin_0001.jpg"};

  EngineOptions plain_options;
  plain_options.flip = false;
  plain_options.jitter = 0;
  const EngineOptions default_options;
  const auto plain = FaceEngine::Load(plain_options);
  const auto deflt = FaceEngine::Load(default_options);
  Reference reference(rtcc::matcher::DefaultModelDir());
  const std::string default_name = "rtcc default (" + deflt->settings() + ")";

  std::printf(
      "pipeline_bench: %d runs per photo, medians in ms per face (OPENBLAS_NUM_THREADS=%s)\n",
      repeats, std::getenv("OPENBLAS_NUM_THREADS") ? std::getenv("OPENBLAS_NUM_THREADS") : "unset");
  std::printf(
      "ref = dlib's dnn_face_recognition_ex.cpp path; plain = rtcc with flip=0 jitter=0; "
      "dflt = %s\n",
      default_name.c_str());
  std::printf("rtcc's embed column includes its probe-quality step (measures, crop JPEG)\n\n");
  std::printf("%-44s %5s | %-26s | %-26s | %-26s | %-26s\n", "photo (faces ref/rtcc)", "",
              "detect ref plain dflt", "align ref plain dflt", "embed ref plain dflt",
              "total ref plain dflt");
  std::vector<Row> rows;
  for (const std::string& photo : photos) {
    const fs::path file = faces / photo;
    const std::vector<std::uint8_t> bytes = ReadBytes(file);
    Row row;
    row.photo = photo;
    for (int r = 0; r < repeats; ++r) {
      const Stages ref = reference.Run(file);
      const Stages p = RunEngine(*plain, bytes);
      const Stages d = RunEngine(*deflt, bytes);
      row.faces_ref = ref.faces;
      row.faces_rtcc = p.faces;
      Add(row, "ref", ref);
      Add(row, "plain", p);
      Add(row, "dflt", d);
    }
    const auto cell = [&](const std::string& stage) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%7.1f %7.1f %7.1f ", Median(row.ms["ref." + stage]),
                    Median(row.ms["plain." + stage]), Median(row.ms["dflt." + stage]));
      return std::string(buf);
    };
    char name[64];
    std::snprintf(name, sizeof name, "%s (%zu/%zu)", photo.c_str(), row.faces_ref, row.faces_rtcc);
    std::printf("%-50s | %s | %s | %s | %s\n", name, cell("detect").c_str(), cell("align").c_str(),
                cell("embed").c_str(), cell("total").c_str());
    rows.push_back(std::move(row));
  }

  // Ratios over the photos where both paths found the same faces (the reference does not
  // upsample, so it misses the faces of small images that rtcc finds).
  std::printf(
      "\nratios rtcc/reference, median over photos where both found the same number of "
      "faces (per face):\n");
  for (const std::string path : {"plain", "dflt"}) {
    std::printf("  %-6s", path.c_str());
    for (const std::string stage : {"decode", "detect", "align", "embed", "total"}) {
      std::vector<double> ratios;
      for (Row& row : rows) {
        if (row.faces_ref != row.faces_rtcc || row.faces_ref == 0) continue;
        const double ref = Median(row.ms["ref." + stage]);
        if (ref > 0) ratios.push_back(Median(row.ms[path + "." + stage]) / ref);
      }
      std::printf("  %s %.2f", stage.c_str(), Median(ratios));
    }
    std::printf("\n");
  }
  std::printf("photos where only rtcc found the face(s):");
  for (const Row& row : rows) {
    if (row.faces_rtcc > row.faces_ref) {
      std::printf(" %s (%zu vs %zu)", row.photo.c_str(), row.faces_rtcc, row.faces_ref);
    }
  }
  std::printf("\n");

  // dlib's CNN detector (Detector::kMmod; also the fallback when HOG finds nothing): its time on
  // the smaller photos, against HOG's on the same photo.
  EngineOptions mmod_options = plain_options;
  mmod_options.detector = rtcc::matcher::Detector::kMmod;
  const auto mmod = FaceEngine::Load(mmod_options);
  std::printf("\nMMOD detection (ms per image, median of %d), against rtcc's HOG:\n", repeats);
  for (const std::string photo : {"ageitgey/two_people.jpg", "ageitgey/obama_small.jpg",
                                  "lfw-dev/images/Aaron_Sorkin/Aaron_Sorkin_0001.jpg"}) {
    const std::vector<std::uint8_t> bytes = ReadBytes(faces / photo);
    std::vector<double> m, h;
    std::size_t found = 0;
    for (int r = 0; r < repeats; ++r) {
      const Stages sm = RunEngine(*mmod, bytes);
      m.push_back(sm.detect);
      found = sm.faces;
      h.push_back(RunEngine(*plain, bytes).detect);
    }
    std::printf("  %-52s MMOD %8.1f (%zu faces)  HOG %7.1f  ratio %.1f\n", photo.c_str(), Median(m),
                found, Median(h), Median(m) / Median(h));
  }
  return 0;
}
