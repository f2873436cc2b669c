// The only translation unit that includes dlib/dnn.h (it takes most of matcher/'s build time).
#include "matcher/dlib_embedder.h"

#include <dlib/dnn.h>

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

}  // namespace

struct DlibEmbedder::Net {
  anet_type net;
};

DlibEmbedder::DlibEmbedder(const std::filesystem::path& model_file)
    : net_(std::make_unique<Net>()) {
  dlib::deserialize(model_file.string()) >> net_->net;
}

DlibEmbedder::~DlibEmbedder() = default;

std::vector<Embedding> DlibEmbedder::Embed(
    const std::vector<dlib::matrix<dlib::rgb_pixel>>& chips) {
  std::vector<Embedding> out;
  if (chips.empty()) return out;
  const std::vector<dlib::matrix<float, 0, 1>> descriptors = net_->net(chips);
  out.reserve(descriptors.size());
  for (const auto& d : descriptors) {
    if (static_cast<std::size_t>(d.size()) != kEmbeddingDim) {
      throw std::runtime_error("the face recognition network gave a " + std::to_string(d.size()) +
                               "-d descriptor, not " + std::to_string(kEmbeddingDim));
    }
    Embedding e;
    for (std::size_t i = 0; i < kEmbeddingDim; ++i) e[i] = d(static_cast<long>(i));
    out.push_back(e);
  }
  return out;
}

}  // namespace rtcc::matcher
