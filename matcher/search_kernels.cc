#include "matcher/search_kernels.h"

#include <immintrin.h>

#include <cmath>
#include <cstring>

namespace rtcc::matcher::detail {
namespace {

// Software prefetch distance, in bytes ahead of the row being read (0: none; build with
// -DRTCC_PREFETCH_F32=N / -DRTCC_PREFETCH_INT8=N to try others). Measured on the 2-vCPU Zen 5
// build machine with 512, 1024 and 2048 bytes: no gain over the hardware prefetcher on rows read
// strictly in order, so none by default.
#ifndef RTCC_PREFETCH_F32
#define RTCC_PREFETCH_F32 0
#endif
#ifndef RTCC_PREFETCH_INT8
#define RTCC_PREFETCH_INT8 0
#endif
constexpr std::size_t kPrefetchF32 = RTCC_PREFETCH_F32;
constexpr std::size_t kPrefetchInt8 = RTCC_PREFETCH_INT8;

}  // namespace

void ScanPlain(const F32Rows& rows, const float* q, std::size_t begin, std::size_t end,
               Collector& out) {
  const std::size_t dim = rows.dim;
  const float* x = rows.data + begin * dim;
  for (std::size_t i = begin; i < end; ++i, x += dim) {
    float sum = 0;
    for (std::size_t k = 0; k < dim; ++k) {
      const float d = q[k] - x[k];
      sum += d * d;
    }
    if (sum < out.limit) out.Offer(sum, static_cast<std::uint32_t>(i));
  }
}

void ScanPortableSimd(const F32Rows& rows, const float* q, std::size_t begin, std::size_t end,
                      Collector& out) {
  const std::size_t dim = rows.dim;
  const float* x = rows.data + begin * dim;
  for (std::size_t i = begin; i < end; ++i, x += dim) {
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (std::size_t k = 0; k < dim; ++k) {
      const float d = q[k] - x[k];
      sum += d * d;
    }
    if (sum < out.limit) out.Offer(sum, static_cast<std::uint32_t>(i));
  }
}

// ---- AVX2 + FMA, f32 -------------------------------------------------------------------------

namespace {

// [sum(a), sum(b), sum(c), sum(d)]
__attribute__((target("avx2,fma"))) inline __m128 Sum4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 ab = _mm256_hadd_ps(a, b);
  const __m256 cd = _mm256_hadd_ps(c, d);
  const __m256 abcd = _mm256_hadd_ps(ab, cd);
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

__attribute__((target("avx2,fma"))) inline void Offer4(__m128 sums, std::size_t row,
                                                       Collector& out) {
  const int mask = _mm_movemask_ps(_mm_cmplt_ps(sums, _mm_set1_ps(out.limit)));
  if (mask == 0) return;
  alignas(16) float s[4];
  _mm_store_ps(s, sums);
  for (int r = 0; r < 4; ++r) {
    if (mask & (1 << r)) out.Offer(s[r], static_cast<std::uint32_t>(row + r));
  }
}

}  // namespace

// Rows are read strictly in order, one after the other: reading four rows side by side (the k-th
// vector of each in turn) measured twice as slow, the hardware prefetcher losing the stream.
__attribute__((target("avx2,fma"))) void ScanAvx2F32(const F32Rows& rows, const float* q,
                                                     std::size_t begin, std::size_t end,
                                                     Collector& out) {
  const std::size_t dim = rows.dim;
  if (dim % 8 != 0) return ScanPortableSimd(rows, q, begin, end, out);
  const auto row_sum = [&](const float* x) __attribute__((target("avx2,fma"))) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    std::size_t k = 0;
    for (; k + 16 <= dim; k += 16) {
      if (kPrefetchF32 > 0)
        _mm_prefetch(reinterpret_cast<const char*>(x + k) + kPrefetchF32, _MM_HINT_T0);
      const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + k), _mm256_loadu_ps(q + k));
      const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(x + k + 8), _mm256_loadu_ps(q + k + 8));
      a0 = _mm256_fmadd_ps(d0, d0, a0);
      a1 = _mm256_fmadd_ps(d1, d1, a1);
    }
    if (k < dim) {
      const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + k), _mm256_loadu_ps(q + k));
      a0 = _mm256_fmadd_ps(d0, d0, a0);
    }
    return _mm256_add_ps(a0, a1);
  };
  std::size_t i = begin;
  for (; i + 4 <= end; i += 4) {
    const float* x = rows.data + i * dim;
    const __m256 s0 = row_sum(x);
    const __m256 s1 = row_sum(x + dim);
    const __m256 s2 = row_sum(x + 2 * dim);
    const __m256 s3 = row_sum(x + 3 * dim);
    Offer4(Sum4(s0, s1, s2, s3), i, out);
  }
  if (i < end) ScanPortableSimd(rows, q, i, end, out);
}

// ---- AVX-512, f32 ----------------------------------------------------------------------------

namespace {

// The sum of v's two 256-bit halves.
__attribute__((target("avx512f,avx2,fma"))) inline __m256 Halves(__m512 v) {
  return _mm256_add_ps(_mm512_castps512_ps256(v),
                       _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

}  // namespace

__attribute__((target("avx512f,avx2,fma"))) void ScanAvx512F32(const F32Rows& rows, const float* q,
                                                               std::size_t begin, std::size_t end,
                                                               Collector& out) {
  const std::size_t dim = rows.dim;
  if (dim % 16 != 0) return ScanAvx2F32(rows, q, begin, end, out);
  const auto row_sum = [&](const float* x) __attribute__((target("avx512f,avx2,fma"))) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0;
    std::size_t k = 0;
    for (; k + 32 <= dim; k += 32) {
      if (kPrefetchF32 > 0) {
        _mm_prefetch(reinterpret_cast<const char*>(x + k) + kPrefetchF32, _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(x + k + 16) + kPrefetchF32, _MM_HINT_T0);
      }
      const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(x + k), _mm512_loadu_ps(q + k));
      const __m512 d1 = _mm512_sub_ps(_mm512_loadu_ps(x + k + 16), _mm512_loadu_ps(q + k + 16));
      a0 = _mm512_fmadd_ps(d0, d0, a0);
      a1 = _mm512_fmadd_ps(d1, d1, a1);
    }
    if (k < dim) {
      const __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(x + k), _mm512_loadu_ps(q + k));
      a0 = _mm512_fmadd_ps(d0, d0, a0);
    }
    return Halves(_mm512_add_ps(a0, a1));
  };
  std::size_t i = begin;
  for (; i + 4 <= end; i += 4) {
    const float* x = rows.data + i * dim;
    const __m256 s0 = row_sum(x);
    const __m256 s1 = row_sum(x + dim);
    const __m256 s2 = row_sum(x + 2 * dim);
    const __m256 s3 = row_sum(x + 3 * dim);
    Offer4(Sum4(s0, s1, s2, s3), i, out);
  }
  if (i < end) ScanPortableSimd(rows, q, i, end, out);
}

// ---- int8, AVX2 ------------------------------------------------------------------------------

namespace {

__attribute__((target("avx2,fma"))) inline void OfferInt8Avx2(__m256i dot_hi, __m256i dot_lo,
                                                              const Int8Rows& rows,
                                                              const Int8Query& q, std::size_t row,
                                                              Collector& out) {
  const __m256 hi = _mm256_cvtepi32_ps(_mm256_sub_epi32(dot_hi, _mm256_set1_epi32(q.corr_hi)));
  const __m256 lo = _mm256_cvtepi32_ps(_mm256_sub_epi32(dot_lo, _mm256_set1_epi32(q.corr_lo)));
  const __m256 s = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(q.c_hi), hi),
                                 _mm256_mul_ps(_mm256_set1_ps(q.c_lo), lo));
  const __m256 ip = _mm256_mul_ps(_mm256_loadu_ps(rows.scale + row), s);
  const __m256 base = _mm256_add_ps(_mm256_loadu_ps(rows.norm2 + row), _mm256_set1_ps(q.q2));
  const __m256 key = _mm256_sub_ps(base, _mm256_add_ps(ip, ip));
  const int mask = _mm256_movemask_ps(_mm256_cmp_ps(key, _mm256_set1_ps(out.limit), _CMP_LT_OQ));
  if (mask == 0) return;
  alignas(32) float k[8];
  _mm256_store_ps(k, key);
  for (int r = 0; r < 8; ++r) {
    if (mask & (1 << r)) out.Offer(k[r], static_cast<std::uint32_t>(row + r));
  }
}

}  // namespace

__attribute__((target("avx2,fma"))) void ScanInt8Avx2(const Int8Rows& rows,
                                                      const Int8Query* const* queries,
                                                      Collector* const* out, std::size_t count,
                                                      std::size_t block_begin,
                                                      std::size_t block_end) {
  const std::size_t groups = rows.groups;
  const __m256i ones = _mm256_set1_epi16(1);
  for (std::size_t b = block_begin; b < block_end; ++b) {
    const std::uint8_t* block = rows.codes + b * groups * 64;
    if (kPrefetchInt8 > 0) {
      for (std::size_t g = 0; g < groups; ++g) {
        _mm_prefetch(reinterpret_cast<const char*>(block + g * 64) + kPrefetchInt8, _MM_HINT_T0);
      }
    }
    for (std::size_t n = 0; n < count; ++n) {
      const Int8Query& q = *queries[n];
      __m256i hi_a = _mm256_setzero_si256(), hi_b = hi_a, lo_a = hi_a, lo_b = hi_a;
      for (std::size_t g = 0; g < groups; ++g) {
        const __m256i va = _mm256_load_si256(reinterpret_cast<const __m256i*>(block + g * 64));
        const __m256i vb = _mm256_load_si256(reinterpret_cast<const __m256i*>(block + g * 64 + 32));
        const __m256i h = _mm256_set1_epi32(q.hi4[g]);
        const __m256i l = _mm256_set1_epi32(q.lo4[g]);
        hi_a = _mm256_add_epi32(hi_a, _mm256_madd_epi16(_mm256_maddubs_epi16(va, h), ones));
        hi_b = _mm256_add_epi32(hi_b, _mm256_madd_epi16(_mm256_maddubs_epi16(vb, h), ones));
        lo_a = _mm256_add_epi32(lo_a, _mm256_madd_epi16(_mm256_maddubs_epi16(va, l), ones));
        lo_b = _mm256_add_epi32(lo_b, _mm256_madd_epi16(_mm256_maddubs_epi16(vb, l), ones));
      }
      OfferInt8Avx2(hi_a, lo_a, rows, q, b * 16, *out[n]);
      OfferInt8Avx2(hi_b, lo_b, rows, q, b * 16 + 8, *out[n]);
    }
  }
}

// ---- int8, AVX-512 VNNI ----------------------------------------------------------------------

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma"))) void ScanInt8Vnni(
    const Int8Rows& rows, const Int8Query* const* queries, Collector* const* out, std::size_t count,
    std::size_t block_begin, std::size_t block_end) {
  const std::size_t groups = rows.groups;
  for (std::size_t b = block_begin; b < block_end; ++b) {
    const std::uint8_t* block = rows.codes + b * groups * 64;
    for (std::size_t n = 0; n < count; ++n) {
      const Int8Query& q = *queries[n];
      const std::int32_t* hi4 = q.hi4.data();
      const std::int32_t* lo4 = q.lo4.data();
      // Four accumulators per level: vpdpbusd's latency, not its throughput, bounds one chain.
      __m512i hi0 = _mm512_setzero_si512(), hi1 = hi0, hi2 = hi0, hi3 = hi0;
      __m512i lo0 = hi0, lo1 = hi0, lo2 = hi0, lo3 = hi0;
      std::size_t g = 0;
      for (; g + 4 <= groups; g += 4) {
        if (n == 0 && kPrefetchInt8 > 0) {
          for (std::size_t p = 0; p < 4; ++p) {
            _mm_prefetch(reinterpret_cast<const char*>(block + (g + p) * 64) + kPrefetchInt8,
                         _MM_HINT_T0);
          }
        }
        const __m512i v0 = _mm512_load_si512(block + g * 64);
        const __m512i v1 = _mm512_load_si512(block + g * 64 + 64);
        const __m512i v2 = _mm512_load_si512(block + g * 64 + 128);
        const __m512i v3 = _mm512_load_si512(block + g * 64 + 192);
        hi0 = _mm512_dpbusd_epi32(hi0, v0, _mm512_set1_epi32(hi4[g]));
        lo0 = _mm512_dpbusd_epi32(lo0, v0, _mm512_set1_epi32(lo4[g]));
        hi1 = _mm512_dpbusd_epi32(hi1, v1, _mm512_set1_epi32(hi4[g + 1]));
        lo1 = _mm512_dpbusd_epi32(lo1, v1, _mm512_set1_epi32(lo4[g + 1]));
        hi2 = _mm512_dpbusd_epi32(hi2, v2, _mm512_set1_epi32(hi4[g + 2]));
        lo2 = _mm512_dpbusd_epi32(lo2, v2, _mm512_set1_epi32(lo4[g + 2]));
        hi3 = _mm512_dpbusd_epi32(hi3, v3, _mm512_set1_epi32(hi4[g + 3]));
        lo3 = _mm512_dpbusd_epi32(lo3, v3, _mm512_set1_epi32(lo4[g + 3]));
      }
      for (; g < groups; ++g) {
        const __m512i v0 = _mm512_load_si512(block + g * 64);
        hi0 = _mm512_dpbusd_epi32(hi0, v0, _mm512_set1_epi32(hi4[g]));
        lo0 = _mm512_dpbusd_epi32(lo0, v0, _mm512_set1_epi32(lo4[g]));
      }
      hi0 = _mm512_add_epi32(_mm512_add_epi32(hi0, hi1), _mm512_add_epi32(hi2, hi3));
      lo0 = _mm512_add_epi32(_mm512_add_epi32(lo0, lo1), _mm512_add_epi32(lo2, lo3));
      const __m512 hi = _mm512_cvtepi32_ps(_mm512_sub_epi32(hi0, _mm512_set1_epi32(q.corr_hi)));
      const __m512 lo = _mm512_cvtepi32_ps(_mm512_sub_epi32(lo0, _mm512_set1_epi32(q.corr_lo)));
      const __m512 s = _mm512_add_ps(_mm512_mul_ps(_mm512_set1_ps(q.c_hi), hi),
                                     _mm512_mul_ps(_mm512_set1_ps(q.c_lo), lo));
      const std::size_t row = b * 16;
      const __m512 ip = _mm512_mul_ps(_mm512_load_ps(rows.scale + row), s);
      const __m512 base = _mm512_add_ps(_mm512_load_ps(rows.norm2 + row), _mm512_set1_ps(q.q2));
      const __m512 key = _mm512_sub_ps(base, _mm512_add_ps(ip, ip));
      Collector& c = *out[n];
      __mmask16 mask = _mm512_cmp_ps_mask(key, _mm512_set1_ps(c.limit), _CMP_LT_OQ);
      if (mask == 0) continue;
      alignas(64) float k[16];
      _mm512_store_ps(k, key);
      while (mask != 0) {
        const int r = __builtin_ctz(mask);
        mask = static_cast<__mmask16>(mask & (mask - 1));
        c.Offer(k[r], static_cast<std::uint32_t>(row + r));
      }
    }
  }
}

// ---- quantisation ------------------------------------------------------------------------------

namespace {

// The body, inlined into one wrapper per ISA (each vectorises it for its own target).
inline __attribute__((always_inline)) void QuantizeBlockBody(const float* rows, std::size_t count,
                                                             std::size_t dim, std::size_t groups,
                                                             std::uint8_t* block, float* scale,
                                                             float* norm2, std::uint8_t* scratch,
                                                             QuantizeStats& stats) {
  std::memset(block, 128, groups * 64);
  std::memset(scratch + dim, 128, groups * 4 - dim);
  for (std::size_t r = 0; r < 16; ++r) {
    if (r >= count) {
      scale[r] = 0;
      norm2[r] = std::numeric_limits<float>::infinity();
      continue;
    }
    const float* x = rows + r * dim;
    float max_abs = 0;
    int bad = 0;
    double sum2 = 0;
#pragma omp simd reduction(max : max_abs) reduction(| : bad) reduction(+ : sum2)
    for (std::size_t k = 0; k < dim; ++k) {
      const float a = std::fabs(x[k]);
      bad |= !(a <= std::numeric_limits<float>::max());
      max_abs = std::max(max_abs, a);
      sum2 += static_cast<double>(x[k]) * static_cast<double>(x[k]);
    }
    if (bad) {
      stats.not_finite = true;
      return;
    }
    const float c = max_abs / 127;
    const float inverse = max_abs > 0 ? 127 / max_abs : 0;
    double err2 = 0;
#pragma omp simd reduction(+ : err2)
    for (std::size_t k = 0; k < dim; ++k) {
      const float v = x[k] * inverse;
      int a = static_cast<int>(v + (v >= 0 ? 0.5f : -0.5f));
      a = a > 127 ? 127 : (a < -127 ? -127 : a);
      scratch[k] = static_cast<std::uint8_t>(a + 128);
      // Exact in double: a float times a small integer, then one subtraction.
      const double e = static_cast<double>(x[k]) - static_cast<double>(c) * a;
      err2 += e * e;
    }
    for (std::size_t g = 0; g < groups; ++g)
      std::memcpy(block + g * 64 + r * 4, scratch + g * 4, 4);
    scale[r] = c;
    norm2[r] = static_cast<float>(sum2);
    // sqrt of a double sum of squares of exact terms: a few ulps of double; 1e-9 covers them.
    stats.max_error_norm = std::max(stats.max_error_norm, std::sqrt(err2) * (1 + 1e-9));
    stats.max_norm = std::max(stats.max_norm, std::sqrt(sum2) * (1 + 1e-9));
  }
}

void QuantizePortable(const float* rows, std::size_t count, std::size_t dim, std::size_t groups,
                      std::uint8_t* block, float* scale, float* norm2, std::uint8_t* scratch,
                      QuantizeStats& stats) {
  QuantizeBlockBody(rows, count, dim, groups, block, scale, norm2, scratch, stats);
}

__attribute__((target("avx2,fma"))) void QuantizeAvx2(const float* rows, std::size_t count,
                                                      std::size_t dim, std::size_t groups,
                                                      std::uint8_t* block, float* scale,
                                                      float* norm2, std::uint8_t* scratch,
                                                      QuantizeStats& stats) {
  QuantizeBlockBody(rows, count, dim, groups, block, scale, norm2, scratch, stats);
}

// AVX-512 with dim a multiple of 16 (the gallery's 128): each row in registers, the codes of the
// 16 rows transposed into the block at the end.
__attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma"))) void QuantizeAvx512(
    const float* rows, std::size_t count, std::size_t dim, std::size_t groups, std::uint8_t* block,
    float* scale, float* norm2, std::uint8_t* scratch, QuantizeStats& stats) {
  if (dim % 16 != 0 || dim > 256 || count < 16) {
    QuantizeBlockBody(rows, count, dim, groups, block, scale, norm2, scratch, stats);
    return;
  }
  alignas(64) std::uint32_t codes[16][64];  // 16 rows of up to 256 codes, 4 per word
  const __m512 largest = _mm512_set1_ps(std::numeric_limits<float>::max());
  for (std::size_t r = 0; r < 16; ++r) {
    const float* x = rows + r * dim;
    __m512 max_abs = _mm512_setzero_ps();
    __mmask16 bad = 0;
    __m512d sum2 = _mm512_setzero_pd();
    for (std::size_t k = 0; k < dim; k += 16) {
      const __m512 v = _mm512_loadu_ps(x + k);
      const __m512 a = _mm512_abs_ps(v);
      bad |= _mm512_cmp_ps_mask(a, largest, _CMP_NLE_UQ);  // > max, or NaN
      max_abs = _mm512_max_ps(max_abs, a);
      const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
      const __m512d hi =
          _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
      sum2 = _mm512_fmadd_pd(lo, lo, sum2);
      sum2 = _mm512_fmadd_pd(hi, hi, sum2);
    }
    if (bad) {
      stats.not_finite = true;
      return;
    }
    const float m = _mm512_reduce_max_ps(max_abs);
    const float c = m / 127;
    const float inverse = m > 0 ? 127 / m : 0;
    const __m512 inv = _mm512_set1_ps(inverse);
    const __m512d cd = _mm512_set1_pd(c);
    __m512d err2 = _mm512_setzero_pd();
    for (std::size_t k = 0; k < dim; k += 16) {
      const __m512 v = _mm512_loadu_ps(x + k);
      __m512i a = _mm512_cvtps_epi32(_mm512_mul_ps(v, inv));  // round to nearest
      a = _mm512_max_epi32(_mm512_min_epi32(a, _mm512_set1_epi32(127)), _mm512_set1_epi32(-127));
      _mm_store_si128(reinterpret_cast<__m128i*>(&codes[r][k / 4]),
                      _mm512_cvtepi32_epi8(_mm512_add_epi32(a, _mm512_set1_epi32(128))));
      // e = x - c * a, exactly, in double.
      const __m512d a_lo = _mm512_cvtepi32_pd(_mm512_castsi512_si256(a));
      const __m512d a_hi = _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(a, 1));
      const __m512d x_lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
      const __m512d x_hi =
          _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
      const __m512d e_lo = _mm512_fnmadd_pd(cd, a_lo, x_lo);
      const __m512d e_hi = _mm512_fnmadd_pd(cd, a_hi, x_hi);
      err2 = _mm512_fmadd_pd(e_lo, e_lo, err2);
      err2 = _mm512_fmadd_pd(e_hi, e_hi, err2);
    }
    const double s2 = _mm512_reduce_add_pd(sum2);
    const double e2 = _mm512_reduce_add_pd(err2);
    scale[r] = c;
    norm2[r] = static_cast<float>(s2);
    // The double sums round (a few ulps of double): 1e-9 covers them.
    stats.max_error_norm = std::max(stats.max_error_norm, std::sqrt(e2) * (1 + 1e-9));
    stats.max_norm = std::max(stats.max_norm, std::sqrt(s2) * (1 + 1e-9));
  }
  // Block layout: word g * 16 + r holds row r's codes 4g..4g+3.
  auto* out = reinterpret_cast<std::uint32_t*>(block);
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t r = 0; r < 16; ++r) out[g * 16 + r] = codes[r][g];
  }
}

using QuantizeFn = void (*)(const float*, std::size_t, std::size_t, std::size_t, std::uint8_t*,
                            float*, float*, std::uint8_t*, QuantizeStats&);

QuantizeFn PickQuantize() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma")) {
    return QuantizeAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return QuantizeAvx2;
  return QuantizePortable;
}

}  // namespace

void QuantizeBlock(const float* rows, std::size_t count, std::size_t dim, std::size_t groups,
                   std::uint8_t* block, float* scale, float* norm2, std::uint8_t* scratch,
                   QuantizeStats& stats) {
  static const QuantizeFn fn = PickQuantize();
  fn(rows, count, dim, groups, block, scale, norm2, scratch, stats);
}

}  // namespace rtcc::matcher::detail
