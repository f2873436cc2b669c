#include "matcher/search_index.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

#include "matcher/search_kernels.h"
#include "matcher/worker_pool.h"

namespace rtcc::matcher {
namespace {

using detail::Collector;
using detail::Int8Query;

constexpr double kUnit = 1.0 / 16777216.0;  // 2^-24: float's unit roundoff
constexpr std::size_t kBlockRows = 16;
constexpr std::size_t kBlocksPerTask = 1024;  // 16384 rows: 2 MB of int8, 8 MB of f32 (dim 128)
constexpr int kLevel = 63;                    // query levels: |hi|, |lo| <= 63 (see Int8Query)

// Page-aligned anonymous memory, in 2 MiB pages where the kernel allows (madvise): a tenth of the
// page faults on first touch, and fewer TLB misses while scanning.
struct Unmap {
  std::size_t bytes = 0;
  void operator()(void* p) const { ::munmap(p, bytes); }
};

template <typename T>
std::unique_ptr<T[], Unmap> AllocateAligned(std::size_t count) {
  const std::size_t bytes = std::max<std::size_t>(4096, count * sizeof(T));
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ::madvise(p, bytes, MADV_HUGEPAGE);
  return std::unique_ptr<T[], Unmap>(static_cast<T*>(p), Unmap{bytes});
}

bool IsInt8(SearchKernel k) { return k == SearchKernel::kInt8Avx2 || k == SearchKernel::kInt8Vnni; }

// |key - ExactDistance^2| <= rel * |key| + abs.
struct ErrorBound {
  double rel = 0;
  double abs = 0;
  double Lower(float key) const { return key - rel * std::fabs(key) - abs; }
  double Upper(float key) const { return key + rel * std::fabs(key) + abs; }
  // The smallest float limit L such that every key with Lower(key) <= bound has key < L.
  float KeyLimit(double bound) const {
    const double k = (bound + abs) / (1 - rel);
    if (!(k < std::numeric_limits<float>::max())) return std::numeric_limits<float>::infinity();
    float f = static_cast<float>(k);
    while (static_cast<double>(f) < k)
      f = std::nextafter(f, std::numeric_limits<float>::infinity());
    return std::nextafter(f, std::numeric_limits<float>::infinity());
  }
};

// A sum of `dim` squared differences in float (any order, with or without FMA) has a relative
// error <= gamma(dim + 2); ExactDistance rounds sqrt once to float (relative error of its square
// <= 2.0001 u) after a double sum (negligible). Twice that, for margin.
double F32RelativeError(std::size_t dim) {
  const double n = static_cast<double>(dim) + 2;
  return 2 * (n * kUnit / (1 - n * kUnit) + 3 * kUnit);
}

}  // namespace

std::string_view KernelName(SearchKernel kernel) {
  switch (kernel) {
    case SearchKernel::kAuto:
      return "auto";
    case SearchKernel::kPlain:
      return "plain-loop";
    case SearchKernel::kPortableSimd:
      return "omp-simd-f32";
    case SearchKernel::kAvx2F32:
      return "avx2-f32";
    case SearchKernel::kAvx512F32:
      return "avx512-f32";
    case SearchKernel::kInt8Avx2:
      return "int8-avx2";
    case SearchKernel::kInt8Vnni:
      return "int8-avx512vnni";
  }
  return "?";
}

bool KernelSupported(SearchKernel kernel) {
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  switch (kernel) {
    case SearchKernel::kAuto:
    case SearchKernel::kPlain:
    case SearchKernel::kPortableSimd:
      return true;
    case SearchKernel::kAvx2F32:
    case SearchKernel::kInt8Avx2:
      return avx2;
    case SearchKernel::kAvx512F32:
      return avx2 && __builtin_cpu_supports("avx512f");
    case SearchKernel::kInt8Vnni:
      return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  }
  return false;
}

SearchKernel ResolveKernel(SearchKernel kernel) {
  if (kernel != SearchKernel::kAuto) {
    if (!KernelSupported(kernel)) {
      throw std::invalid_argument("search kernel " + std::string(KernelName(kernel)) +
                                  " is not supported by this CPU");
    }
    return kernel;
  }
  if (KernelSupported(SearchKernel::kInt8Vnni)) return SearchKernel::kInt8Vnni;
  if (KernelSupported(SearchKernel::kInt8Avx2)) return SearchKernel::kInt8Avx2;
  return SearchKernel::kPortableSimd;
}

std::vector<SearchKernel> AllKernels() {
  return {SearchKernel::kPlain,     SearchKernel::kPortableSimd, SearchKernel::kAvx2F32,
          SearchKernel::kAvx512F32, SearchKernel::kInt8Avx2,     SearchKernel::kInt8Vnni};
}

float ExactDistance(const float* a, const float* b, std::size_t dim) {
  double sum = 0;
  for (std::size_t k = 0; k < dim; ++k) {
    const double d = static_cast<double>(a[k]) - static_cast<double>(b[k]);
    sum += d * d;
  }
  return static_cast<float>(std::sqrt(sum));
}

struct SearchIndex::Impl {
  const float* rows = nullptr;
  std::size_t n = 0;
  std::size_t dim = 0;
  WorkerPool* pool = nullptr;

  std::size_t groups = 0;  // ceil(dim / 4)
  std::size_t blocks = 0;  // ceil(n / 16)
  std::unique_ptr<std::uint8_t[], Unmap> codes;
  std::unique_ptr<float[], Unmap> scale;
  std::unique_ptr<float[], Unmap> norm2;
  double max_error_norm = 0;  // max over rows of |x - scale * a|
  double max_norm = 0;        // max over rows of |x|

  std::size_t Tasks() const { return (blocks + kBlocksPerTask - 1) / kBlocksPerTask; }

  void Build() {
    groups = (dim + 3) / 4;
    blocks = (n + kBlockRows - 1) / kBlockRows;
    codes = AllocateAligned<std::uint8_t>(blocks * groups * 64);
    scale = AllocateAligned<float>(blocks * kBlockRows);
    norm2 = AllocateAligned<float>(blocks * kBlockRows);
    const unsigned threads = pool->size();
    std::vector<detail::QuantizeStats> stats(threads);
    std::vector<std::vector<std::uint8_t>> scratch(threads, std::vector<std::uint8_t>(groups * 4));
    pool->Run(Tasks(), threads, [&](unsigned slot, std::size_t task) {
      const std::size_t b_end = std::min(blocks, (task + 1) * kBlocksPerTask);
      for (std::size_t b = task * kBlocksPerTask; b < b_end; ++b) {
        const std::size_t first = b * kBlockRows;
        detail::QuantizeBlock(rows + first * dim, std::min(kBlockRows, n - first), dim, groups,
                              codes.get() + b * groups * 64, scale.get() + first,
                              norm2.get() + first, scratch[slot].data(), stats[slot]);
      }
    });
    for (const auto& s : stats) {
      if (!s.not_finite) continue;
      for (std::size_t i = 0; i < n * dim; ++i) {
        if (!std::isfinite(rows[i])) {
          throw std::invalid_argument("row " + std::to_string(i / dim) +
                                      " holds a value that is not a finite number");
        }
      }
    }
    for (const auto& s : stats) {
      max_error_norm = std::max(max_error_norm, s.max_error_norm);
      max_norm = std::max(max_norm, s.max_norm);
    }
  }

  // The query in two 8-bit levels, and the error bound of the int8 keys for it.
  Int8Query Quantize(const float* q, ErrorBound& bound) const {
    Int8Query out;
    out.hi4.assign(groups, 0);
    out.lo4.assign(groups, 0);
    float max_abs = 0;
    double q2 = 0;
    for (std::size_t k = 0; k < dim; ++k) {
      max_abs = std::max(max_abs, std::fabs(q[k]));
      q2 += static_cast<double>(q[k]) * q[k];
    }
    out.c_hi = max_abs / kLevel;
    out.c_lo = out.c_hi / (2 * kLevel);
    out.q2 = static_cast<float>(q2);
    std::int32_t sum_hi = 0, sum_lo = 0;
    double approx2 = 0, residual2 = 0;  // |q^|^2 and |q - q^|^2
    for (std::size_t k = 0; k < dim; ++k) {
      int hi = 0, lo = 0;
      if (out.c_hi > 0) {
        hi = std::clamp(static_cast<int>(std::lrint(q[k] / out.c_hi)), -kLevel, kLevel);
        const double rest = static_cast<double>(q[k]) - static_cast<double>(out.c_hi) * hi;
        if (out.c_lo > 0) {
          lo = std::clamp(static_cast<int>(std::lrint(rest / out.c_lo)), -kLevel, kLevel);
        }
      }
      const double approx = static_cast<double>(out.c_hi) * hi + static_cast<double>(out.c_lo) * lo;
      approx2 += approx * approx;
      residual2 += (q[k] - approx) * (q[k] - approx);
      sum_hi += hi;
      sum_lo += lo;
      const auto put = [&](std::vector<std::int32_t>& v, int level) {
        std::uint32_t word = static_cast<std::uint32_t>(v[k / 4]);
        word |=
            static_cast<std::uint32_t>(static_cast<std::uint8_t>(static_cast<std::int8_t>(level)))
            << (8 * (k % 4));
        v[k / 4] = static_cast<std::int32_t>(word);
      };
      put(out.hi4, hi);
      put(out.lo4, lo);
    }
    out.corr_hi = 128 * sum_hi;
    out.corr_lo = 128 * sum_lo;
    // q.x - q^.x^ = q^.(x - x^) + (q - q^).x, and the key is |x|^2 + |q|^2 - 2 q^.x^ rounded a
    // few times in float (each rounding <= u times a term <= (|q| + |x|)^2).
    const double qn = std::sqrt(q2);
    const double quantisation =
        2 * (std::sqrt(approx2) * max_error_norm + std::sqrt(residual2) * max_norm);
    const double magnitude = (qn + max_norm) * (qn + max_norm);
    bound.rel = F32RelativeError(dim);
    bound.abs = quantisation * 1.001 + 64 * kUnit * magnitude + 1e-30;
    return out;
  }

  // Runs `kernel` over every row for each of `count` queries; returns per query the merged
  // collector (capacity 0: every offered row; else the `capacity` smallest keys), sorted by key.
  std::vector<std::vector<std::pair<float, std::uint32_t>>> Scan(
      SearchKernel kernel, const float* const* queries, const Int8Query* const* int8,
      std::size_t count, std::size_t capacity, const std::vector<float>& limits,
      unsigned threads) const {
    std::vector<std::vector<Collector>> per_slot(threads);
    for (auto& slot : per_slot) {
      for (std::size_t i = 0; i < count; ++i) slot.emplace_back(capacity, limits[i]);
    }
    const detail::F32Rows f32{rows, dim};
    const detail::Int8Rows i8{codes.get(), scale.get(), norm2.get(), groups};
    pool->Run(Tasks(), threads, [&](unsigned slot, std::size_t task) {
      std::vector<Collector>& mine = per_slot[slot];
      const std::size_t b_begin = task * kBlocksPerTask;
      const std::size_t b_end = std::min(blocks, b_begin + kBlocksPerTask);
      const std::size_t r_begin = b_begin * kBlockRows;
      const std::size_t r_end = std::min(n, b_end * kBlockRows);
      if (IsInt8(kernel)) {
        std::vector<Collector*> out(count);
        for (std::size_t i = 0; i < count; ++i) out[i] = &mine[i];
        if (kernel == SearchKernel::kInt8Vnni) {
          detail::ScanInt8Vnni(i8, int8, out.data(), count, b_begin, b_end);
        } else {
          detail::ScanInt8Avx2(i8, int8, out.data(), count, b_begin, b_end);
        }
        return;
      }
      for (std::size_t i = 0; i < count; ++i) {
        switch (kernel) {
          case SearchKernel::kPlain:
            detail::ScanPlain(f32, queries[i], r_begin, r_end, mine[i]);
            break;
          case SearchKernel::kAvx2F32:
            detail::ScanAvx2F32(f32, queries[i], r_begin, r_end, mine[i]);
            break;
          case SearchKernel::kAvx512F32:
            detail::ScanAvx512F32(f32, queries[i], r_begin, r_end, mine[i]);
            break;
          default:
            detail::ScanPortableSimd(f32, queries[i], r_begin, r_end, mine[i]);
            break;
        }
      }
    });
    std::vector<std::vector<std::pair<float, std::uint32_t>>> merged(count);
    for (std::size_t i = 0; i < count; ++i) {
      auto& all = merged[i];
      for (auto& slot : per_slot) {
        all.insert(all.end(), slot[i].items.begin(), slot[i].items.end());
      }
      if (capacity > 0 && all.size() > capacity) {
        std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(capacity - 1),
                         all.end());
        all.resize(capacity);
      }
      std::sort(all.begin(), all.end());
    }
    return merged;
  }

  std::vector<Neighbor> Rerank(const float* query,
                               const std::vector<std::pair<float, std::uint32_t>>& candidates,
                               const ErrorBound& bound, double max_lower) const {
    std::vector<Neighbor> out;
    for (const auto& [key, row] : candidates) {
      if (bound.Lower(key) > max_lower) continue;
      out.push_back({row, ExactDistance(query, rows + static_cast<std::size_t>(row) * dim, dim)});
    }
    std::sort(out.begin(), out.end(), [](const Neighbor& a, const Neighbor& b) {
      return a.distance < b.distance || (a.distance == b.distance && a.row < b.row);
    });
    return out;
  }

  std::vector<Neighbor> All(const float* query) const {
    std::vector<std::pair<float, std::uint32_t>> every(n);
    for (std::size_t i = 0; i < n; ++i) every[i] = {0.0f, static_cast<std::uint32_t>(i)};
    return Rerank(query, every, ErrorBound{}, std::numeric_limits<double>::infinity());
  }

  unsigned Threads(const SearchOptions& options) const {
    const unsigned most = pool->size();
    const unsigned wanted = options.threads == 0 ? most : std::min(options.threads, most);
    return static_cast<unsigned>(std::min<std::size_t>(wanted, Tasks()));
  }

  std::vector<std::vector<Neighbor>> TopK(const float* queries, std::size_t count, std::size_t k,
                                          const SearchOptions& options, SearchStats* stats) const {
    const SearchKernel kernel = ResolveKernel(options.kernel);
    const unsigned threads = std::max(1u, Threads(options));
    if (stats) *stats = {kernel, threads, 0, 0};
    std::vector<std::vector<Neighbor>> results(count);
    if (k == 0 || n == 0 || count == 0) return results;
    for (std::size_t i = 0; i < count * dim; ++i) {
      if (!std::isfinite(queries[i])) throw std::invalid_argument("query is not finite");
    }
    if (k >= n) {
      for (std::size_t i = 0; i < count; ++i) results[i] = All(queries + i * dim);
      if (stats) stats->candidates = n * count;
      return results;
    }
    const std::size_t shortlist =
        std::min(n, options.shortlist ? std::max(options.shortlist, k) : std::max(k + 256, 4 * k));

    std::vector<const float*> qs(count);
    std::vector<Int8Query> q8(IsInt8(kernel) ? count : 0);
    std::vector<const Int8Query*> q8p(count, nullptr);
    std::vector<ErrorBound> bounds(count, ErrorBound{F32RelativeError(dim), 1e-36});
    for (std::size_t i = 0; i < count; ++i) {
      qs[i] = queries + i * dim;
      if (IsInt8(kernel)) {
        q8[i] = Quantize(qs[i], bounds[i]);
        q8p[i] = &q8[i];
      }
    }
    const auto lists =
        Scan(kernel, qs.data(), q8p.data(), count, shortlist,
             std::vector<float>(count, std::numeric_limits<float>::infinity()), threads);
    if (stats) stats->passes = 1;
    for (std::size_t i = 0; i < count; ++i) {
      const auto& list = lists[i];
      const ErrorBound& bound = bounds[i];
      // U: an upper bound of the k-th exact squared distance (k rows are at most that far).
      const double upper = bound.Upper(list[k - 1].first);
      const bool complete = list.size() >= n;  // every row is in the shortlist
      if (complete || bound.Lower(list.back().first) > upper) {
        results[i] = Rerank(qs[i], list, bound, upper);
      } else {
        // Not provably enough: collect every row whose lower bound is <= U.
        const auto all = Scan(kernel, &qs[i], &q8p[i], 1, 0, {bound.KeyLimit(upper)}, threads);
        if (stats) stats->passes = 2;
        results[i] = Rerank(qs[i], all[0], bound, upper);
      }
      if (stats) stats->candidates += results[i].size();
      if (results[i].size() < k) {
        throw std::logic_error("search index: fewer candidates than k (a bound is wrong)");
      }
      results[i].resize(k);
    }
    return results;
  }

  std::vector<Neighbor> Within(const float* query, float threshold, const SearchOptions& options,
                               SearchStats* stats) const {
    const SearchKernel kernel = ResolveKernel(options.kernel);
    const unsigned threads = std::max(1u, Threads(options));
    if (stats) *stats = {kernel, threads, 0, 0};
    if (!(threshold > 0) || n == 0) return {};
    for (std::size_t i = 0; i < dim; ++i) {
      if (!std::isfinite(query[i])) throw std::invalid_argument("query is not finite");
    }
    ErrorBound bound{F32RelativeError(dim), 1e-36};
    Int8Query q8;
    const Int8Query* q8p = nullptr;
    if (IsInt8(kernel)) {
      q8 = Quantize(query, bound);
      q8p = &q8;
    }
    // distance < t  =>  distance^2 < t^2 (computed here a little larger)  =>  Lower(key) < that.
    const double t2 = static_cast<double>(threshold) * threshold * (1 + 1e-12);
    const auto found = Scan(kernel, &query, &q8p, 1, 0, {bound.KeyLimit(t2)}, threads);
    if (stats) stats->passes = 1;
    std::vector<Neighbor> out = Rerank(query, found[0], bound, t2);
    if (stats) stats->candidates = out.size();
    std::erase_if(out, [&](const Neighbor& nb) { return !(nb.distance < threshold); });
    return out;
  }
};

SearchIndex::SearchIndex(const float* rows, std::size_t n, std::size_t dim, WorkerPool* pool)
    : impl_(std::make_unique<Impl>()) {
  if (dim == 0) throw std::invalid_argument("search index: dimension 0");
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("search index: too many rows");
  }
  impl_->rows = rows;
  impl_->n = n;
  impl_->dim = dim;
  impl_->pool = pool ? pool : &WorkerPool::Default();
  impl_->Build();
}

SearchIndex::~SearchIndex() = default;

std::size_t SearchIndex::size() const { return impl_->n; }
std::size_t SearchIndex::dim() const { return impl_->dim; }
std::size_t SearchIndex::derived_bytes() const {
  return impl_->blocks * (impl_->groups * 64 + kBlockRows * 2 * sizeof(float));
}

std::vector<Neighbor> SearchIndex::TopK(const float* query, std::size_t k,
                                        const SearchOptions& options, SearchStats* stats) const {
  return std::move(impl_->TopK(query, 1, k, options, stats)[0]);
}

std::vector<std::vector<Neighbor>> SearchIndex::TopKBatch(const float* queries, std::size_t count,
                                                          std::size_t k,
                                                          const SearchOptions& options,
                                                          SearchStats* stats) const {
  return impl_->TopK(queries, count, k, options, stats);
}

std::vector<Neighbor> SearchIndex::Within(const float* query, float threshold,
                                          const SearchOptions& options, SearchStats* stats) const {
  return impl_->Within(query, threshold, options, stats);
}

}  // namespace rtcc::matcher
