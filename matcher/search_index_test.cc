#include "matcher/search_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "matcher/face_engine.h"
#include "matcher/worker_pool.h"

namespace rtcc::matcher {
namespace {

namespace fs = std::filesystem;

// Random unit vectors: the hard case for a quantised shortlist (neighbours' distances are close).
std::vector<float> RandomUnit(std::size_t n, std::size_t dim, unsigned seed, float norm = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(n * dim);
  for (std::size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (std::size_t k = 0; k < dim; ++k) {
      v[i * dim + k] = normal(rng);
      sum += double{v[i * dim + k]} * v[i * dim + k];
    }
    const float scale = norm / static_cast<float>(std::sqrt(sum));
    for (std::size_t k = 0; k < dim; ++k) v[i * dim + k] *= scale;
  }
  return v;
}

// The reference: ExactDistance to every row, sorted by (distance, row).
std::vector<Neighbor> Naive(const std::vector<float>& rows, std::size_t dim, const float* q) {
  std::vector<Neighbor> all;
  for (std::size_t i = 0; i < rows.size() / dim; ++i) {
    all.push_back({static_cast<std::uint32_t>(i), ExactDistance(q, rows.data() + i * dim, dim)});
  }
  std::sort(all.begin(), all.end(), [](const Neighbor& a, const Neighbor& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.row < b.row);
  });
  return all;
}

std::vector<Neighbor> NaiveTopK(const std::vector<float>& rows, std::size_t dim, const float* q,
                                std::size_t k) {
  auto all = Naive(rows, dim, q);
  all.resize(std::min(k, all.size()));
  return all;
}

std::vector<Neighbor> NaiveWithin(const std::vector<float>& rows, std::size_t dim, const float* q,
                                  float threshold) {
  auto all = Naive(rows, dim, q);
  std::erase_if(all, [&](const Neighbor& n) { return !(n.distance < threshold); });
  return all;
}

std::vector<SearchKernel> Supported() {
  std::vector<SearchKernel> out;
  for (SearchKernel k : AllKernels()) {
    if (KernelSupported(k)) out.push_back(k);
  }
  return out;
}

std::string Describe(SearchKernel kernel, unsigned threads) {
  return std::string(KernelName(kernel)) + " threads=" + std::to_string(threads);
}

TEST(ExactDistance, IsTheEuclideanDistanceInDoubleRoundedOnce) {
  const float a[3] = {0, 0, 0};
  const float b[3] = {3, 4, 0};
  EXPECT_EQ(ExactDistance(a, b, 3), 5.0f);
  EXPECT_EQ(ExactDistance(b, b, 3), 0.0f);
  // A float sum loses the small term; the double sum keeps it.
  const float c[2] = {1e-4f, 1};
  const float d[2] = {0, 0};
  EXPECT_EQ(ExactDistance(c, d, 2), static_cast<float>(std::sqrt(1e-8 + 1)));
}

TEST(SearchIndex, ReportsTheKernelsOfThisCpu) {
  for (SearchKernel k : AllKernels()) {
    std::cout << KernelName(k) << (KernelSupported(k) ? ": supported\n" : ": not on this CPU\n");
  }
  EXPECT_TRUE(KernelSupported(SearchKernel::kPlain));
  EXPECT_TRUE(KernelSupported(SearchKernel::kPortableSimd));
  EXPECT_NE(ResolveKernel(SearchKernel::kAuto), SearchKernel::kAuto);
  for (SearchKernel k : AllKernels()) {
    if (!KernelSupported(k)) {
      EXPECT_THROW(ResolveKernel(k), std::invalid_argument);
    }
  }
}

// Every kernel, 1 and 2 threads, k from 1 to beyond n: the same rows and the same distances, in the
// same order, as the naive scan. 40,000 rows make several tasks, so both threads take part.
TEST(SearchIndex, TopKEqualsTheNaiveScanForEveryKernelAndThreadCount) {
  constexpr std::size_t kDim = 128, kRows = 40'000;
  const auto rows = RandomUnit(kRows, kDim, 1);
  const auto queries = RandomUnit(6, kDim, 2);
  WorkerPool pool(2);
  const SearchIndex index(rows.data(), kRows, kDim, &pool);
  for (std::size_t qi = 0; qi < 6; ++qi) {
    const float* q = queries.data() + qi * kDim;
    const auto all = Naive(rows, kDim, q);
    for (SearchKernel kernel : Supported()) {
      for (unsigned threads : {1u, 2u}) {
        for (std::size_t k : {std::size_t{1}, std::size_t{50}, std::size_t{300}}) {
          SearchStats stats;
          const auto got = index.TopK(q, k, {kernel, threads, 0}, &stats);
          const std::vector<Neighbor> want(all.begin(), all.begin() + static_cast<long>(k));
          ASSERT_EQ(got, want) << Describe(kernel, threads) << " k=" << k << " query " << qi;
          EXPECT_EQ(stats.kernel, kernel);
          EXPECT_EQ(stats.threads, threads);
          EXPECT_GE(stats.passes, 1);
        }
      }
    }
  }
}

TEST(SearchIndex, KAtOrBeyondTheRowCountGivesEveryRowInOrder) {
  constexpr std::size_t kDim = 128, kRows = 37;
  const auto rows = RandomUnit(kRows, kDim, 3);
  const auto q = RandomUnit(1, kDim, 4);
  const SearchIndex index(rows.data(), kRows, kDim);
  const auto all = Naive(rows, kDim, q.data());
  for (SearchKernel kernel : Supported()) {
    EXPECT_EQ(index.TopK(q.data(), kRows - 1, {kernel}),
              std::vector<Neighbor>(all.begin(), all.end() - 1))
        << KernelName(kernel);
    EXPECT_EQ(index.TopK(q.data(), kRows, {kernel}), all) << KernelName(kernel);
    EXPECT_EQ(index.TopK(q.data(), kRows + 5, {kernel}), all) << KernelName(kernel);
    EXPECT_TRUE(index.TopK(q.data(), 0, {kernel}).empty());
  }
  const SearchIndex empty(rows.data(), 0, kDim);
  EXPECT_TRUE(empty.TopK(q.data(), 5).empty());
  EXPECT_TRUE(empty.Within(q.data(), 10).empty());
}

// Exact ties: copies of the same rows. Equal distances come in row order, and the k-th place is
// decided by it too, however the threads split the rows.
TEST(SearchIndex, TiesAreBrokenByRowOnEveryPath) {
  constexpr std::size_t kDim = 128, kRows = 20'000;
  auto rows = RandomUnit(kRows, kDim, 5);
  const auto q = RandomUnit(1, kDim, 6);
  // 600 copies of one row near the query, scattered, and 50 exact copies of the query.
  std::vector<float> near(q);
  near[0] += 0.05f;
  std::mt19937 rng(7);
  for (int c = 0; c < 600; ++c) {
    const std::size_t at = rng() % kRows;
    std::copy(near.begin(), near.end(), rows.begin() + static_cast<long>(at * kDim));
  }
  for (int c = 0; c < 50; ++c) {
    const std::size_t at = rng() % kRows;
    std::copy(q.begin(), q.end(), rows.begin() + static_cast<long>(at * kDim));
  }
  WorkerPool pool(2);
  const SearchIndex index(rows.data(), kRows, kDim, &pool);
  for (std::size_t k : {std::size_t{10}, std::size_t{50}, std::size_t{200}, std::size_t{700}}) {
    const auto want = NaiveTopK(rows, kDim, q.data(), k);
    for (SearchKernel kernel : Supported()) {
      for (unsigned threads : {1u, 2u}) {
        ASSERT_EQ(index.TopK(q.data(), k, {kernel, threads, 0}), want)
            << Describe(kernel, threads) << " k=" << k;
      }
    }
  }
}

// A shortlist no longer than k cannot be proven complete: the second scan runs and the answer is
// still exact.
TEST(SearchIndex, ASecondScanRunsWhenTheShortlistIsNotProvablyEnough) {
  constexpr std::size_t kDim = 128, kRows = 30'000;
  const auto rows = RandomUnit(kRows, kDim, 8);
  const auto queries = RandomUnit(4, kDim, 9);
  const SearchIndex index(rows.data(), kRows, kDim);
  bool int8_second_scan = false;
  for (std::size_t qi = 0; qi < 4; ++qi) {
    const float* q = queries.data() + qi * kDim;
    const auto want = NaiveTopK(rows, kDim, q, 50);
    for (SearchKernel kernel : Supported()) {
      SearchStats stats;
      ASSERT_EQ(index.TopK(q, 50, {kernel, 0, 50}, &stats), want) << KernelName(kernel);
      if (kernel == SearchKernel::kInt8Avx2 || kernel == SearchKernel::kInt8Vnni) {
        int8_second_scan |= stats.passes == 2;
      }
      // The default shortlist is provably enough on random unit vectors.
      ASSERT_EQ(index.TopK(q, 50, {kernel}, &stats), want) << KernelName(kernel);
      EXPECT_EQ(stats.passes, 1) << KernelName(kernel);
    }
  }
  if (KernelSupported(SearchKernel::kInt8Avx2)) {
    EXPECT_TRUE(int8_second_scan);
  }
}

TEST(SearchIndex, BatchEqualsOneQueryAtATime) {
  constexpr std::size_t kDim = 128, kRows = 25'000, kQueries = 13;
  const auto rows = RandomUnit(kRows, kDim, 10);
  const auto queries = RandomUnit(kQueries, kDim, 11);
  WorkerPool pool(2);
  const SearchIndex index(rows.data(), kRows, kDim, &pool);
  for (SearchKernel kernel : Supported()) {
    for (unsigned threads : {1u, 2u}) {
      const auto batch = index.TopKBatch(queries.data(), kQueries, 50, {kernel, threads, 0});
      ASSERT_EQ(batch.size(), kQueries);
      for (std::size_t qi = 0; qi < kQueries; ++qi) {
        ASSERT_EQ(batch[qi], NaiveTopK(rows, kDim, queries.data() + qi * kDim, 50))
            << Describe(kernel, threads) << " query " << qi;
      }
    }
  }
}

// Not unit length, and odd dimensions (the kernels' remainder paths): still exact.
TEST(SearchIndex, ExactForAnyNormAndDimension) {
  for (std::size_t dim : {std::size_t{3}, std::size_t{13}, std::size_t{40}, std::size_t{128}}) {
    for (float norm : {0.001f, 1.0f, 37.0f}) {
      constexpr std::size_t kRows = 5'000;
      auto rows = RandomUnit(kRows, dim, 12, norm);
      // Norms that vary row to row, as dlib's do (not exactly 1).
      std::mt19937 rng(13);
      std::uniform_real_distribution<float> spread(0.8f, 1.2f);
      for (std::size_t i = 0; i < kRows; ++i) {
        const float s = spread(rng);
        for (std::size_t k = 0; k < dim; ++k) rows[i * dim + k] *= s;
      }
      const auto q = RandomUnit(1, dim, 14, norm);
      const SearchIndex index(rows.data(), kRows, dim);
      const auto want = NaiveTopK(rows, dim, q.data(), 20);
      const float threshold = (want[9].distance + want[10].distance) / 2;
      for (SearchKernel kernel : Supported()) {
        ASSERT_EQ(index.TopK(q.data(), 20, {kernel}), want)
            << KernelName(kernel) << " dim=" << dim << " norm=" << norm;
        ASSERT_EQ(index.Within(q.data(), threshold, {kernel}),
                  NaiveWithin(rows, dim, q.data(), threshold))
            << KernelName(kernel) << " dim=" << dim << " norm=" << norm;
      }
    }
  }
}

// Within: strictly below the threshold, never the nearest forced in.
TEST(SearchIndex, WithinIsStrictAndMayBeEmpty) {
  constexpr std::size_t kDim = 128, kRows = 20'000;
  const auto rows = RandomUnit(kRows, kDim, 15);
  const auto q = RandomUnit(1, kDim, 16);
  WorkerPool pool(2);
  const SearchIndex index(rows.data(), kRows, kDim, &pool);
  const auto all = Naive(rows, kDim, q.data());
  const float at = all[99].distance;  // the 100th nearest's distance, exactly
  ASSERT_LT(all[98].distance, at);
  const float above = std::nextafter(at, 10.0f);
  const std::size_t up_to_above = static_cast<std::size_t>(
      std::count_if(all.begin(), all.end(), [&](const Neighbor& n) { return n.distance < above; }));
  for (SearchKernel kernel : Supported()) {
    for (unsigned threads : {1u, 2u}) {
      const SearchOptions o{kernel, threads, 0};
      const auto below = index.Within(q.data(), at, o);
      ASSERT_EQ(below.size(), 99u) << Describe(kernel, threads);  // the 100th is not < its own
      EXPECT_EQ(below, std::vector<Neighbor>(all.begin(), all.begin() + 99));
      const auto incl = index.Within(q.data(), above, o);
      ASSERT_EQ(incl.size(), up_to_above) << Describe(kernel, threads);
      EXPECT_EQ(incl,
                std::vector<Neighbor>(all.begin(), all.begin() + static_cast<long>(up_to_above)));
      EXPECT_TRUE(index.Within(q.data(), all[0].distance, o).empty());  // nothing nearer
      EXPECT_TRUE(index.Within(q.data(), 0, o).empty());
      EXPECT_TRUE(index.Within(q.data(), -1, o).empty());
      EXPECT_TRUE(index.Within(q.data(), std::numeric_limits<float>::quiet_NaN(), o).empty());
      EXPECT_EQ(index.Within(q.data(), 3.0f, o).size(), kRows);  // unit vectors: all within 2
    }
  }
  // An exact copy of the query is at 0, which is not < 0.
  const SearchIndex self(q.data(), 1, kDim);
  EXPECT_TRUE(self.Within(q.data(), 0).empty());
  EXPECT_EQ(self.Within(q.data(), 1e-30f).size(), 1u);
}

TEST(SearchIndex, RefusesNonFiniteNumbers) {
  std::vector<float> rows = RandomUnit(40, 8, 17);
  rows[21 * 8 + 3] = std::numeric_limits<float>::quiet_NaN();
  try {
    SearchIndex index(rows.data(), 40, 8);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 21"), std::string::npos) << e.what();
  }
  rows[21 * 8 + 3] = 0;
  const SearchIndex index(rows.data(), 40, 8);
  std::vector<float> q(8, 0);
  q[2] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(index.TopK(q.data(), 3), std::invalid_argument);
  EXPECT_THROW(index.Within(q.data(), 1), std::invalid_argument);
}

// Real dlib descriptors of real photos: their norms are near 1 but not 1 (which is why distances
// are measured directly, or from exact norms, never as 2 - 2 a.b), and every kernel gives the naive
// scan's answer.
TEST(SearchIndex, RealEmbeddingsOfRealPhotos) {
  const fs::path faces = RTCC_TEST_FACES_DIR;
  const auto engine = FaceEngine::Load({});
  std::vector<float> rows;
  std::vector<fs::path> photos;
  for (const char* set : {"dlib_johns", "ageitgey"}) {
    for (const auto& entry : fs::recursive_directory_iterator(faces / set)) {
      if (entry.is_regular_file()) photos.push_back(entry.path());
    }
  }
  std::sort(photos.begin(), photos.end());
  // Every third photo (the engine's ~0.2 s per photo is the cost of this test).
  for (std::size_t p = 0; p < photos.size(); p += 3) {
    std::ifstream in(photos[p], std::ios::binary);
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    std::vector<DetectedFace> found;
    try {
      found = engine->Analyze(bytes);
    } catch (const ImageError&) {
      continue;
    }
    for (const auto& f : found) rows.insert(rows.end(), f.embedding.begin(), f.embedding.end());
  }
  const std::size_t n = rows.size() / kEmbeddingDim;
  ASSERT_GE(n, 20u);
  double lo = 1e9, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (std::size_t k = 0; k < kEmbeddingDim; ++k) {
      s += double{rows[i * kEmbeddingDim + k]} * rows[i * kEmbeddingDim + k];
    }
    lo = std::min(lo, std::sqrt(s));
    hi = std::max(hi, std::sqrt(s));
  }
  std::cout << n << " real descriptors, norms " << lo << " .. " << hi << "\n";
  EXPECT_GT(hi - lo, 1e-3) << "dlib's descriptors are not normalised";

  const SearchIndex index(rows.data(), n, kEmbeddingDim);
  for (std::size_t i = 0; i < n; ++i) {
    const float* q = rows.data() + i * kEmbeddingDim;
    const auto want = NaiveTopK(rows, kEmbeddingDim, q, 10);
    ASSERT_EQ(want[0].distance, 0.0f);
    for (SearchKernel kernel : Supported()) {
      SearchStats stats;
      ASSERT_EQ(index.TopK(q, 10, {kernel}, &stats), want) << KernelName(kernel) << " row " << i;
      ASSERT_EQ(index.Within(q, 0.6f, {kernel}), NaiveWithin(rows, kEmbeddingDim, q, 0.6f))
          << KernelName(kernel) << " row " << i;
    }
  }
}

TEST(WorkerPool, RunsEveryTaskOnceOnDistinctSlots) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    std::vector<std::atomic<int>> hits(1000);
    std::vector<std::thread::id> slot_owner(3);
    std::atomic<bool> clash{false};
    std::vector<std::atomic<int>> in_slot(3);
    pool.Run(hits.size(), threads, [&](unsigned slot, std::size_t task) {
      ASSERT_LT(slot, std::min(threads, 3u));
      if (in_slot[slot].fetch_add(1) != 0) clash = true;  // two threads on one slot at once
      hits[task].fetch_add(1);
      in_slot[slot].fetch_sub(1);
    });
    for (const auto& h : hits) ASSERT_EQ(h.load(), 1);
    EXPECT_FALSE(clash);
  }
  pool.Run(0, 2, [](unsigned, std::size_t) { FAIL(); });
}

TEST(WorkerPool, RethrowsAndServesSeveralCallersAtOnce) {
  WorkerPool pool(2);
  EXPECT_THROW(pool.Run(100, 2,
                        [](unsigned, std::size_t task) {
                          if (task == 57) throw std::runtime_error("task 57");
                        }),
               std::runtime_error);
  std::vector<std::thread> callers;
  std::atomic<long> total{0};
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int r = 0; r < 50; ++r) {
        pool.Run(64, 2, [&](unsigned, std::size_t task) { total += static_cast<long>(task); });
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(total.load(), 4L * 50 * (63 * 64 / 2));
}

}  // namespace
}  // namespace rtcc::matcher
