// The scan kernels of SearchIndex (search_index.h): each computes, for a range of rows, a key per
// row (an estimate of the squared distance to the query) and offers the rows whose key is below
// the collector's limit. Each kernel is compiled for its own ISA with a function-level target
// attribute and only called when the CPU supports it (search_index.cc dispatches at run time), so
// the build stays at the baseline x86-64 ISA. Internal to matcher/.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace rtcc::matcher::detail {

// Keeps the `capacity` smallest (key, row) offered (a max-heap), or with capacity 0 every row
// offered. Kernels offer a row only when key < limit; the limit falls to the largest kept key once
// the heap is full, so a row never offered has a key >= the final largest kept key.
struct Collector {
  explicit Collector(std::size_t capacity_, float limit_ = std::numeric_limits<float>::infinity())
      : capacity(capacity_), limit(limit_) {
    if (capacity > 0) items.reserve(capacity);
  }
  void Offer(float key, std::uint32_t row) {
    if (!(key < limit)) return;
    if (capacity == 0) {
      items.emplace_back(key, row);
      return;
    }
    if (items.size() < capacity) {
      items.emplace_back(key, row);
      std::push_heap(items.begin(), items.end());
      if (items.size() == capacity) limit = items.front().first;
      return;
    }
    std::pop_heap(items.begin(), items.end());
    items.back() = {key, row};
    std::push_heap(items.begin(), items.end());
    limit = items.front().first;
  }

  std::size_t capacity;
  float limit;
  std::vector<std::pair<float, std::uint32_t>> items;
};

// The rows as float32: key = sum of (q - x)^2 in float, any order.
struct F32Rows {
  const float* data = nullptr;
  std::size_t dim = 0;
};

// The rows as int8, in blocks of 16 rows: for block b and group g (dims 4g..4g+3), 64 bytes hold
// the 4 codes of row 0, then of row 1, ... row 15; a code is a + 128 where x ~ scale * a,
// |a| <= 127. scale and norm2 (|x|^2) hold 16 entries per block; padding rows have scale 0 and
// norm2 +inf (key +inf: never offered).
struct Int8Rows {
  const std::uint8_t* codes = nullptr;
  const float* scale = nullptr;
  const float* norm2 = nullptr;
  std::size_t groups = 0;  // ceil(dim / 4)
};

// A query in two 8-bit levels: q ~ c_hi * hi + c_lo * lo, |hi|, |lo| <= 63 (so that AVX2's
// saturating maddubs cannot saturate on codes <= 255). hi4/lo4 hold 4 levels per int32, one per
// group; corr_* = 128 * sum of the levels (what the +128 of the codes adds to a dot product).
// key = norm2 + q2 - 2 * scale * (c_hi * dot_hi + c_lo * dot_lo).
struct Int8Query {
  std::vector<std::int32_t> hi4, lo4;
  std::int32_t corr_hi = 0, corr_lo = 0;
  float c_hi = 0, c_lo = 0, q2 = 0;
};

void ScanPlain(const F32Rows& rows, const float* q, std::size_t begin, std::size_t end,
               Collector& out);
void ScanPortableSimd(const F32Rows& rows, const float* q, std::size_t begin, std::size_t end,
                      Collector& out);
void ScanAvx2F32(const F32Rows& rows, const float* q, std::size_t begin, std::size_t end,
                 Collector& out);
void ScanAvx512F32(const F32Rows& rows, const float* q, std::size_t begin, std::size_t end,
                   Collector& out);

// Blocks [block_begin, block_end) against `count` queries; out[i] collects for queries[i].
void ScanInt8Avx2(const Int8Rows& rows, const Int8Query* const* queries, Collector* const* out,
                  std::size_t count, std::size_t block_begin, std::size_t block_end);
void ScanInt8Vnni(const Int8Rows& rows, const Int8Query* const* queries, Collector* const* out,
                  std::size_t count, std::size_t block_begin, std::size_t block_end);

// What quantising some rows found: the largest |x - scale * a| and |x| (both rounded up a little),
// and whether a value was not finite.
struct QuantizeStats {
  double max_error_norm = 0;
  double max_norm = 0;
  bool not_finite = false;
};

// Quantises `count` (<= 16) rows of `dim` floats into one block of Int8Rows (64 * groups bytes at
// `block`, 16 entries at `scale` and `norm2`); the rest of the block is padding. `scratch` holds
// 4 * groups bytes. Picks the widest vector ISA the CPU has.
void QuantizeBlock(const float* rows, std::size_t count, std::size_t dim, std::size_t groups,
                   std::uint8_t* block, float* scale, float* norm2, std::uint8_t* scratch,
                   QuantizeStats& stats);

}  // namespace rtcc::matcher::detail
