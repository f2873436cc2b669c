// The only translation unit that includes dlib/dnn.h (it takes most of matcher/'s build time):
// the face embedder and the MMOD face detector.
#include "matcher/dlib_embedder.h"

#include <dlib/dnn.h>
#include <dlib/image_transforms/interpolation.h>
#include <dlib/rand.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rtcc::matcher {
namespace {

// The network of dlib's examples/dnn_face_recognition_ex.cpp, which
// dlib_face_recognition_resnet_model_v1.dat was trained with (Davis King, dlib, Boost licence).
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = dlib::add_prev1<block<N, BN, 1, dlib::tag1<SUBNET>>>;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = dlib::add_prev2<
    dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<block<N, BN, 2, dlib::tag1<SUBNET>>>>>>;

template <int N, template <typename> class BN, int stride, typename SUBNET>
using block =
    BN<dlib::con<N, 3, 3, 1, 1, dlib::relu<BN<dlib::con<N, 3, 3, stride, stride, SUBNET>>>>>;

template <int N, typename SUBNET>
using ares = dlib::relu<residual<block, N, dlib::affine, SUBNET>>;
template <int N, typename SUBNET>
using ares_down = dlib::relu<residual_down<block, N, dlib::affine, SUBNET>>;

template <typename SUBNET>
using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET>
using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET>
using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET>
using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET>
using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;

using anet_type = dlib::loss_metric<dlib::fc_no_bias<
    128, dlib::avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<dlib::max_pool<
             3, 3, 2, 2,
             dlib::relu<dlib::affine<
                 dlib::con<32, 7, 7, 2, 2, dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

// The network of dlib's examples/dnn_mmod_face_detection_ex.cpp, which mmod_human_face_detector.dat
// was trained with.
template <long num_filters, typename SUBNET>
using con5d = dlib::con<num_filters, 5, 5, 2, 2, SUBNET>;
template <long num_filters, typename SUBNET>
using con5 = dlib::con<num_filters, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET>
using downsampler = dlib::relu<dlib::affine<
    con5d<32, dlib::relu<dlib::affine<con5d<32, dlib::relu<dlib::affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET>
using rcon5 = dlib::relu<dlib::affine<con5<45, SUBNET>>>;
using mmod_net_type = dlib::loss_mmod<dlib::con<
    1, 9, 9, 1, 1,
    rcon5<rcon5<rcon5<downsampler<dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

}  // namespace

struct DlibEmbedder::Net {
  anet_type net;
};

DlibEmbedder::DlibEmbedder(const std::filesystem::path& model_file)
    : net_(std::make_unique<Net>()) {
  dlib::deserialize(model_file.string()) >> net_->net;
}

DlibEmbedder::~DlibEmbedder() = default;

std::vector<Embedding> DlibEmbedder::Embed(const std::vector<dlib::matrix<dlib::rgb_pixel>>& chips,
                                           int jitter, bool flip) {
  std::vector<Embedding> out;
  if (chips.empty()) return out;
  jitter = std::max(jitter, 0);
  const std::size_t per_chip = 1 + (flip ? 1 : 0) + static_cast<std::size_t>(jitter);
  std::vector<dlib::matrix<dlib::rgb_pixel>> batch;
  const std::vector<dlib::matrix<dlib::rgb_pixel>>* input = &chips;
  if (per_chip > 1) {
    batch.reserve(chips.size() * per_chip);
    for (const auto& chip : chips) {
      batch.push_back(chip);
      if (flip) batch.push_back(dlib::fliplr(chip));
      dlib::rand rnd;  // the same seed for every chip: reproducible descriptors
      for (int j = 0; j < jitter; ++j) batch.push_back(dlib::jitter_image(chip, rnd));
    }
    input = &batch;
  }
  const std::vector<dlib::matrix<float, 0, 1>> descriptors = net_->net(*input);
  out.reserve(chips.size());
  for (std::size_t c = 0; c < chips.size(); ++c) {
    Embedding e{};
    for (std::size_t v = 0; v < per_chip; ++v) {
      const auto& d = descriptors[c * per_chip + v];
      if (static_cast<std::size_t>(d.size()) != kEmbeddingDim) {
        throw std::runtime_error("the face recognition network gave a " + std::to_string(d.size()) +
                                 "-d descriptor, not " + std::to_string(kEmbeddingDim));
      }
      for (std::size_t i = 0; i < kEmbeddingDim; ++i) e[i] += d(static_cast<long>(i));
    }
    for (float& x : e) x /= static_cast<float>(per_chip);
    out.push_back(e);
  }
  return out;
}

struct DlibMmodDetector::Net {
  mmod_net_type net;
};

DlibMmodDetector::DlibMmodDetector(const std::filesystem::path& model_file)
    : net_(std::make_unique<Net>()) {
  dlib::deserialize(model_file.string()) >> net_->net;
}

DlibMmodDetector::~DlibMmodDetector() = default;

std::vector<MmodDetection> DlibMmodDetector::Detect(const dlib::matrix<dlib::rgb_pixel>& image) {
  std::vector<MmodDetection> out;
  for (const dlib::mmod_rect& d : net_->net(image)) out.push_back({d.rect, d.detection_confidence});
  return out;
}

}  // namespace rtcc::matcher
