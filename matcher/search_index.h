// SearchIndex: exact nearest-neighbour search by Euclidean distance over one contiguous row-major
// float32 matrix (the gallery's embeddings). Never approximate: every answer is the answer of a
// brute-force scan that computes ExactDistance() for every row (investigators must see every
// candidate, policy 4.5.3.2).
//
// How it is fast and still exact. A kernel scans all rows and computes for each a *key*, an
// estimate of the squared distance whose error is bounded: |key - ExactDistance()^2| <= rel * key +
// abs for the f32 kernels (rounding only) and for the int8 kernels (the rows quantised to 8 bits
// with one scale per row, the query to two 8-bit levels) with a bound from the actual quantisation
// error. Top-K: the scan keeps the K' smallest keys (the shortlist); U, the K-th smallest upper
// bound in it, bounds the K-th exact distance from above; the candidates are the rows whose lower
// bound is <= U. When the shortlist's largest lower bound is > U nothing outside it can be in the
// top K; otherwise (rare; see SearchStats::passes) a second scan collects every row whose lower
// bound is <= U. The candidates' exact distances are then computed and sorted. Distance search
// likewise collects every row whose lower bound is below threshold^2.
//
// Order: nearest first; equal distances by row (the gallery orders rows by image SHA-256, so the
// order is the same for the same enrolled set). Internal to matcher/ (the gallery uses it; the
// benchmark and the tests use it directly).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace rtcc::matcher {

class WorkerPool;

enum class SearchKernel {
  kAuto,          // the fastest kernel this CPU supports
  kPlain,         // a plain loop, row by row, one float at a time (a baseline for speed)
  kPortableSimd,  // `#pragma omp simd` f32 at the build's baseline ISA (SSE2 on x86-64)
  kAvx2F32,       // AVX2 + FMA f32, software prefetch
  kAvx512F32,     // AVX-512 f32, software prefetch
  kInt8Avx2,      // int8 rows, AVX2 maddubs dot products
  kInt8Vnni,      // int8 rows, AVX-512 VNNI dot products
};

std::string_view KernelName(SearchKernel kernel);
// Whether this CPU (and OS) can run `kernel`; kAuto, kPlain and kPortableSimd always can.
bool KernelSupported(SearchKernel kernel);
// The kernel kAuto stands for on this CPU.
SearchKernel ResolveKernel(SearchKernel kernel);
// Every kernel except kAuto, in the order above.
std::vector<SearchKernel> AllKernels();

// The distance every result reports and is ranked by: sqrt of the sum, in double precision and in
// index order, of the squared differences, rounded once to float. Deterministic on every CPU.
float ExactDistance(const float* a, const float* b, std::size_t dim);

struct Neighbor {
  std::uint32_t row = 0;
  float distance = 0;  // ExactDistance(query, row)
  friend bool operator==(const Neighbor&, const Neighbor&) = default;
};

struct SearchOptions {
  SearchKernel kernel = SearchKernel::kAuto;
  unsigned threads = 0;       // 0: every thread of the pool
  std::size_t shortlist = 0;  // K' of a top-K search; 0: max(K + 256, 4 K)
};

struct SearchStats {
  SearchKernel kernel = SearchKernel::kAuto;  // the kernel that ran
  unsigned threads = 1;
  int passes = 0;              // scans over the rows: 1, or 2 when the shortlist was not provably
                               // enough (top-K only)
  std::size_t candidates = 0;  // rows whose exact distance was computed
};

class SearchIndex {
 public:
  // `rows`: n x dim floats, row-major, finite (throws std::invalid_argument otherwise). They must
  // stay valid and unchanged while the index lives (e.g. a memory-mapped file). Builds the int8
  // copy and the row norms (~n * (dim + 12) bytes). `pool`: the threads searches may use (nullptr:
  // WorkerPool::Default()).
  SearchIndex(const float* rows, std::size_t n, std::size_t dim, WorkerPool* pool = nullptr);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  std::size_t size() const;
  std::size_t dim() const;
  // Bytes of the data the index builds (the int8 copy, norms, scales), not counting `rows`.
  std::size_t derived_bytes() const;

  // The k rows nearest to `query` (dim floats), nearest first; all rows when k >= size().
  std::vector<Neighbor> TopK(const float* query, std::size_t k, const SearchOptions& options = {},
                             SearchStats* stats = nullptr) const;

  // TopK for `count` queries (count x dim floats, row-major) at once: the int8 kernels read each
  // block of rows once for all of them.
  std::vector<std::vector<Neighbor>> TopKBatch(const float* queries, std::size_t count,
                                               std::size_t k, const SearchOptions& options = {},
                                               SearchStats* stats = nullptr) const;

  // Every row with ExactDistance(query, row) < threshold (strictly), nearest first. Empty when
  // threshold <= 0 or nothing is that near.
  std::vector<Neighbor> Within(const float* query, float threshold,
                               const SearchOptions& options = {},
                               SearchStats* stats = nullptr) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtcc::matcher
