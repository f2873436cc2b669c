// search_bench: exact top-K search over N random unit vectors (default 1,000,000 x 128, top 50,
// 100 queries), every rtcc kernel at 1 and 2 threads side by side with FAISS IndexFlatIP and
// IndexFlatL2 on the same data in the same run, with the read bandwidth measured in the same run
// and the bound it sets (bytes scanned / bandwidth). With --gallery DIR it also enrols N faces into
// a gallery in DIR and measures how long opening it takes (from SQLite, from the side-car matrix
// warm and cold-ish, mmap and read) and the memory it uses. A benchmark, not a test: run by hand,
//   build/bench/search_bench [--rows N] [--queries Q] [--k K] [--gallery DIR]
// It re-executes itself with OMP_WAIT_POLICY=PASSIVE (FAISS's OpenMP threads otherwise spin and
// take the CPU from the other thread on a 2-vCPU machine: ../shared/notes/search-performance.md);
// OpenBLAS's and OpenMP's thread counts are set per measurement (1 or 2).
#include <dlfcn.h>
#include <faiss/IndexFlat.h>
#include <fcntl.h>
#include <immintrin.h>
#include <omp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "matcher/gallery.h"
#include "matcher/search_index.h"
#include "matcher/worker_pool.h"

namespace {

using namespace rtcc::matcher;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<float> RandomUnit(std::size_t n, std::size_t dim, unsigned seed) {
  std::vector<float> v(n * dim);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  for (std::size_t i = 0; i < n; ++i) {
    float* x = v.data() + i * dim;
    double s = 0;
    for (std::size_t k = 0; k < dim; ++k) {
      x[k] = normal(rng);
      s += double{x[k]} * x[k];
    }
    const float inv = static_cast<float>(1 / std::sqrt(s));
    for (std::size_t k = 0; k < dim; ++k) x[k] *= inv;
  }
  return v;
}

// ---- read bandwidth: a streaming sum over the buffer ------------------------------------------

__attribute__((target("avx512f"))) float SumAvx512(const float* p, std::size_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_add_ps(a0, _mm512_loadu_ps(p + i));
    a1 = _mm512_add_ps(a1, _mm512_loadu_ps(p + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_loadu_ps(p + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_loadu_ps(p + i + 48));
  }
  alignas(64) float out[16];
  _mm512_store_ps(out, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  float s = 0;
  for (float x : out) s += x;
  for (; i < n; ++i) s += p[i];
  return s;
}

float SumPlain(const float* p, std::size_t n) {
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += p[i];
  return s;
}

// GB/s (1e9 bytes) of a read of `bytes` at `threads` threads: best and median of 7.
struct Bandwidth {
  double best = 0, median = 0;
};
Bandwidth ReadBandwidth(const float* p, std::size_t floats, unsigned threads, WorkerPool& pool) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  constexpr std::size_t kChunk = 1 << 20;  // floats per task (4 MB)
  const std::size_t tasks = (floats + kChunk - 1) / kChunk;
  std::vector<double> gbs;
  volatile float sink = 0;
  for (int rep = 0; rep < 7; ++rep) {
    std::vector<float> partial(tasks);
    const auto t0 = Clock::now();
    pool.Run(tasks, threads, [&](unsigned, std::size_t t) {
      const std::size_t begin = t * kChunk, count = std::min(kChunk, floats - begin);
      partial[t] = avx512 ? SumAvx512(p + begin, count) : SumPlain(p + begin, count);
    });
    const double s = Ms(Clock::now() - t0) / 1000;
    float total = 0;
    for (float x : partial) total += x;
    sink = sink + total;
    gbs.push_back(static_cast<double>(floats) * 4 / s / 1e9);
  }
  return {*std::max_element(gbs.begin(), gbs.end()), Median(gbs)};
}

// ---- thread control of FAISS's OpenMP and the BLAS behind it -----------------------------------

void SetLibraryThreads(int threads) {
  omp_set_num_threads(threads);
  using SetFn = void (*)(int);
  static const auto set_blas =
      reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set_blas) set_blas(threads);
}

// ---- results ------------------------------------------------------------------------------------

struct Row {
  std::string method;
  unsigned threads = 1;
  double ms_per_query = 0;  // median of single queries, or batch time / queries
  double bytes = 0;         // bytes one query reads
  double recall = 0;        // mean fraction of the exact top-K found
  int exact_lists = -1;     // queries whose list equals the exact one, rows and distances (rtcc)
  std::string note;
};

double Recall(const std::vector<std::vector<std::uint32_t>>& got,
              const std::vector<std::vector<Neighbor>>& want) {
  double sum = 0;
  for (std::size_t q = 0; q < want.size(); ++q) {
    std::size_t hit = 0;
    for (const Neighbor& w : want[q]) {
      if (std::find(got[q].begin(), got[q].end(), w.row) != got[q].end()) ++hit;
    }
    sum += static_cast<double>(hit) / static_cast<double>(want[q].size());
  }
  return sum / static_cast<double>(want.size());
}

std::vector<std::vector<std::uint32_t>> Rows(const std::vector<std::vector<Neighbor>>& lists) {
  std::vector<std::vector<std::uint32_t>> out;
  for (const auto& l : lists) {
    out.emplace_back();
    for (const auto& n : l) out.back().push_back(n.row);
  }
  return out;
}

long RssKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

void PrintMemory(const char* when) {
  std::printf("memory %s: VmRSS %.0f MB (anonymous %.0f MB, file-backed %.0f MB)\n", when,
              static_cast<double>(RssKb("VmRSS:")) / 1024,
              static_cast<double>(RssKb("RssAnon:")) / 1024,
              static_cast<double>(RssKb("RssFile:")) / 1024);
}

// ---- gallery load times -------------------------------------------------------------------------

std::uint64_t SplitMix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Evicts the file's pages from the page cache (it must not be mapped): the next read is from disk.
void Evict(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

void GalleryLoads(const std::string& dir, std::size_t rows, const std::vector<float>& data,
                  bool reuse) {
  namespace fs = std::filesystem;
  constexpr std::size_t kDim = 128;
  fs::create_directories(dir);
  const fs::path db = fs::path(dir) / "bench-gallery.db";
  reuse = reuse && fs::exists(db);
  if (!reuse) {
    for (const char* suffix : {"", "-wal", "-shm", "-matrix"}) fs::remove(db.string() + suffix);
  }
  std::printf("\n== gallery of %zu faces in %s ==\n", rows, db.c_str());
  if (!reuse) {
    std::vector<FaceRecord> faces(rows);
    std::uint64_t seed = 42;
    char hex[65];
    for (std::size_t i = 0; i < rows; ++i) {
      FaceRecord& f = faces[i];
      f.subject_id = "subject-" + std::to_string(i / 4);
      std::snprintf(hex, sizeof hex, "%016llx%016llx%016llx%016llx",
                    static_cast<unsigned long long>(SplitMix(seed)),
                    static_cast<unsigned long long>(SplitMix(seed)),
                    static_cast<unsigned long long>(SplitMix(seed)),
                    static_cast<unsigned long long>(SplitMix(seed)));
      f.image_sha256 = hex;
      f.image_path = "/srv/rtcc/gallery/" + std::to_string(i) + ".jpg";
      f.source = i % 3 ? "booking" : "dmv";
      std::copy(data.begin() + static_cast<long>(i * kDim),
                data.begin() + static_cast<long>((i + 1) * kDim), f.embedding.begin());
    }
    const auto gallery = Gallery::Open(db);
    auto t0 = Clock::now();
    const EnrollReport r = gallery->ImportFaces(faces, "bench_model");
    std::printf("import (one transaction) and first load: %.1f s, %d faces; %s\n",
                Ms(Clock::now() - t0) / 1000, r.faces_enrolled, gallery->Stats().load.c_str());
    const GalleryStats st = gallery->Stats();
    std::printf("files: SQLite %.0f MB, side-car %.0f MB\n",
                static_cast<double>(st.database_bytes) / 1e6,
                static_cast<double>(st.sidecar_bytes) / 1e6);
  }
  const fs::path sidecar = db.string() + "-matrix";
  struct Way {
    const char* label;
    bool use_sidecar;
    const char* mode;
    bool cold;
  };
  const Way ways[] = {
      {"SQLite only (a BLOB per row; no side-car)", false, "mmap", false},
      {"side-car mmap, warm (page cache)", true, "mmap", false},
      {"side-car mmap + MAP_POPULATE, warm", true, "mmap-populate", false},
      {"side-car read(), warm", true, "read", false},
      {"side-car mmap, cold-ish (evicted)", true, "mmap", true},
      {"side-car mmap + MAP_POPULATE, cold-ish", true, "mmap-populate", true},
      {"side-car read(), cold-ish (evicted)", true, "read", true},
  };
  Embedding probe{};
  std::copy(data.begin() + 7 * kDim, data.begin() + 8 * kDim, probe.begin());
  for (const Way& w : ways) {
    std::vector<double> ms;
    long anon = 0, file = 0;
    std::string load;
    double search_ms = 0, topk_ms = 0;
    for (int rep = 0; rep < 3; ++rep) {
      if (w.cold) Evict(sidecar);
      const long anon0 = RssKb("RssAnon:"), file0 = RssKb("RssFile:");
      GalleryOptions o;
      o.use_sidecar = w.use_sidecar;
      o.sidecar_load = w.mode;
      const auto t0 = Clock::now();
      const auto g = Gallery::Open(db, o);
      ms.push_back(Ms(Clock::now() - t0));
      anon = RssKb("RssAnon:") - anon0;
      file = RssKb("RssFile:") - file0;
      load = g->Stats().load;
      auto s = Clock::now();
      const auto within = g->SearchWithin(probe, 0.6f);
      search_ms = Ms(Clock::now() - s);
      s = Clock::now();
      const auto top = g->TopK(probe, 50);
      topk_ms = Ms(Clock::now() - s);
      if (within.candidates.empty() || top.candidates.size() != 50) std::printf("ERROR: search\n");
    }
    std::printf("%-42s open %8.1f ms (median of 3; %s)\n", w.label, Median(ms), load.c_str());
    std::printf(
        "%-42s memory +%ld MB private, +%ld MB file-backed; SearchWithin %.1f ms, TopK(50) "
        "subjects %.1f ms\n",
        "", anon / 1024, file / 1024, search_ms, topk_ms);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // OpenMP reads OMP_WAIT_POLICY once, when the library loads: set it and start again.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);
    std::perror("re-exec with OMP_WAIT_POLICY=PASSIVE");
  }
  std::size_t rows = 1'000'000, queries = 100, k = 50;
  std::string gallery_dir;
  bool search = true, reuse = false;
  for (int i = 1; i < argc; i += 2) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (has_value && arg == "--rows") {
      rows = std::stoul(argv[i + 1]);
    } else if (has_value && arg == "--queries") {
      queries = std::stoul(argv[i + 1]);
    } else if (has_value && arg == "--k") {
      k = std::stoul(argv[i + 1]);
    } else if (has_value && arg == "--gallery") {
      gallery_dir = argv[i + 1];
    } else if (has_value && arg == "--search") {
      search = std::string(argv[i + 1]) != "no";
    } else if (has_value && arg == "--reuse-gallery") {
      reuse = std::string(argv[i + 1]) == "yes";
    } else {
      std::fprintf(
          stderr,
          "usage: %s [--rows N] [--queries Q] [--k K] [--gallery DIR [--reuse-gallery yes]] "
          "[--search no]\n",
          argv[0]);
      return 2;
    }
  }
  if (rows < 2 || queries < 1 || k < 2 || k > rows) {
    std::fprintf(stderr, "need rows >= 2, queries >= 1 and 2 <= k <= rows\n");
    return 2;
  }
  constexpr std::size_t kDim = 128;
  std::printf("search_bench: %zu x %zu random unit float32 vectors, top %zu, %zu queries\n", rows,
              kDim, k, queries);
  std::printf(
      "environment: OMP_WAIT_POLICY=%s; OpenMP/OpenBLAS threads set to 1 or 2 per run "
      "(omp_set_num_threads, openblas_set_num_threads%s); hardware threads %u\n",
      std::getenv("OMP_WAIT_POLICY"),
      dlsym(RTLD_DEFAULT, "openblas_set_num_threads") ? "" : ": not found",
      std::thread::hardware_concurrency());
  {
    std::ifstream load("/proc/loadavg");
    std::string avg;
    std::getline(load, avg);
    std::printf("load average at start (other processes share these CPUs): %s\n", avg.c_str());
  }

  const auto data = RandomUnit(rows, kDim, 1);
  const auto qs = RandomUnit(queries, kDim, 2);
  if (!gallery_dir.empty()) GalleryLoads(gallery_dir, rows, data, reuse);
  if (!search) return 0;
  WorkerPool pool(2);

  auto t0 = Clock::now();
  const SearchIndex index(data.data(), rows, kDim, &pool);
  std::printf("rtcc index build (int8 copy + norms, 2 threads): %.1f ms, %.0f MB\n",
              Ms(Clock::now() - t0), static_cast<double>(index.derived_bytes()) / 1e6);

  const double f32_bytes = static_cast<double>(rows * kDim * 4);
  const double int8_bytes = static_cast<double>(index.derived_bytes());
  Bandwidth bw[3];
  for (unsigned t : {1u, 2u}) bw[t] = ReadBandwidth(data.data(), data.size(), t, pool);
  std::printf(
      "read bandwidth (streaming sum over the %.0f MB matrix): 1 thread %.1f GB/s (median "
      "%.1f), 2 threads %.1f GB/s (median %.1f)\n",
      f32_bytes / 1e6, bw[1].best, bw[1].median, bw[2].best, bw[2].median);

  // The exact answer, checked against the naive double scan on a few queries.
  std::vector<std::vector<Neighbor>> exact(queries);
  for (std::size_t q = 0; q < queries; ++q) {
    exact[q] = index.TopK(qs.data() + q * kDim, k, {SearchKernel::kAvx2F32, 2, 0});
  }
  for (std::size_t q = 0; q < std::min<std::size_t>(3, queries); ++q) {
    std::vector<Neighbor> all(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      all[i] = {static_cast<std::uint32_t>(i),
                ExactDistance(qs.data() + q * kDim, data.data() + i * kDim, kDim)};
    }
    std::partial_sort(all.begin(), all.begin() + static_cast<long>(k), all.end(),
                      [](const Neighbor& a, const Neighbor& b) {
                        return a.distance < b.distance ||
                               (a.distance == b.distance && a.row < b.row);
                      });
    all.resize(k);
    if (all != exact[q]) {
      std::printf("ERROR: query %zu differs from the naive scan\n", q);
      return 1;
    }
  }
  double gap = 0;
  for (const auto& l : exact) gap += l[k - 1].distance - l[k - 2].distance;
  std::printf(
      "exact answers checked against a naive double-precision scan (3 queries); mean gap "
      "between the %zu-th and %zu-th distance: %.2e\n\n",
      k - 1, k, gap / static_cast<double>(queries));

  std::vector<Row> table;
  // rtcc, one query at a time.
  for (SearchKernel kernel : AllKernels()) {
    if (!KernelSupported(kernel)) {
      std::printf("%s: not supported on this CPU\n", std::string(KernelName(kernel)).c_str());
      continue;
    }
    const bool int8 = kernel == SearchKernel::kInt8Avx2 || kernel == SearchKernel::kInt8Vnni;
    for (unsigned threads : {1u, 2u}) {
      std::vector<double> ms;
      std::vector<std::vector<Neighbor>> got(queries);
      int second_scans = 0;
      std::size_t candidates = 0;
      // The plain loop is slow: 20 queries are enough for its median.
      const std::size_t runs =
          kernel == SearchKernel::kPlain ? std::min<std::size_t>(20, queries) : queries;
      for (std::size_t q = 0; q < runs; ++q) {
        SearchStats stats;
        const auto s = Clock::now();
        got[q] = index.TopK(qs.data() + q * kDim, k, {kernel, threads, 0}, &stats);
        ms.push_back(Ms(Clock::now() - s));
        second_scans += stats.passes == 2;
        candidates += stats.candidates;
      }
      int equal = 0;
      for (std::size_t q = 0; q < runs; ++q) equal += got[q] == exact[q];
      got.resize(runs);
      const std::vector<std::vector<Neighbor>> want(exact.begin(),
                                                    exact.begin() + static_cast<long>(runs));
      Row row{std::string("rtcc ") + std::string(KernelName(kernel)),
              threads,
              Median(ms),
              int8 ? int8_bytes : f32_bytes,
              Recall(Rows(got), want),
              equal,
              std::to_string(second_scans) + " second scans, " + std::to_string(candidates / runs) +
                  " re-ranked/query" +
                  (runs < queries ? ", " + std::to_string(runs) + " queries" : "")};
      table.push_back(row);
    }
  }
  // rtcc, a batch of all queries.
  for (SearchKernel kernel :
       {SearchKernel::kInt8Vnni, SearchKernel::kInt8Avx2, SearchKernel::kAvx512F32}) {
    if (!KernelSupported(kernel)) continue;
    const bool int8 = kernel != SearchKernel::kAvx512F32;
    for (unsigned threads : {1u, 2u}) {
      SearchStats stats;
      const auto s = Clock::now();
      const auto got = index.TopKBatch(qs.data(), queries, k, {kernel, threads, 0}, &stats);
      const double ms = Ms(Clock::now() - s) / static_cast<double>(queries);
      int equal = 0;
      for (std::size_t q = 0; q < queries; ++q) equal += got[q] == exact[q];
      table.push_back({std::string("rtcc ") + std::string(KernelName(kernel)) + " batch of " +
                           std::to_string(queries),
                       threads, ms, (int8 ? int8_bytes : f32_bytes) / static_cast<double>(queries),
                       Recall(Rows(got), exact), equal,
                       int8 ? "rows read once per batch" : "one scan per query"});
    }
  }

  // FAISS on the same data.
  for (int metric = 0; metric < 2; ++metric) {
    std::unique_ptr<faiss::IndexFlat> faiss_index;
    if (metric == 0) {
      faiss_index = std::make_unique<faiss::IndexFlatIP>(kDim);
    } else {
      faiss_index = std::make_unique<faiss::IndexFlatL2>(kDim);
    }
    const std::string name = metric == 0 ? "FAISS IndexFlatIP" : "FAISS IndexFlatL2";
    faiss_index->add(static_cast<faiss::Index::idx_t>(rows), data.data());
    std::vector<float> dist(queries * k);
    std::vector<faiss::Index::idx_t> labels(queries * k);
    const auto to_rows = [&](std::size_t count) {
      std::vector<std::vector<std::uint32_t>> out(count);
      for (std::size_t q = 0; q < count; ++q) {
        for (std::size_t j = 0; j < k; ++j) {
          out[q].push_back(static_cast<std::uint32_t>(labels[q * k + j]));
        }
      }
      return out;
    };
    for (int threads : {1, 2}) {
      SetLibraryThreads(threads);
      std::vector<double> ms;
      for (std::size_t q = 0; q < queries; ++q) {
        const auto s = Clock::now();
        faiss_index->search(1, qs.data() + q * kDim, static_cast<faiss::Index::idx_t>(k),
                            dist.data() + q * k, labels.data() + q * k);
        ms.push_back(Ms(Clock::now() - s));
      }
      table.push_back({name, static_cast<unsigned>(threads), Median(ms), f32_bytes,
                       Recall(to_rows(queries), exact), -1, "one query at a time"});
      const auto s = Clock::now();
      faiss_index->search(static_cast<faiss::Index::idx_t>(queries), qs.data(),
                          static_cast<faiss::Index::idx_t>(k), dist.data(), labels.data());
      const double batch = Ms(Clock::now() - s) / static_cast<double>(queries);
      table.push_back({name + " batch of " + std::to_string(queries),
                       static_cast<unsigned>(threads), batch,
                       f32_bytes / static_cast<double>(queries), Recall(to_rows(queries), exact),
                       -1, "sgemm (OpenBLAS)"});
    }
  }
  SetLibraryThreads(1);

  std::printf("%-44s %3s %10s %9s %7s %7s  %s\n", "method", "thr", "ms/query", "bound ms",
              "x bound", "recall", "exact lists / notes");
  for (const Row& r : table) {
    const double bound_ms = r.bytes / (bw[r.threads].best * 1e9) * 1000;
    std::printf("%-44s %3u %10.3f %9.3f %7.2f %7.4f  %s%s\n", r.method.c_str(), r.threads,
                r.ms_per_query, bound_ms, r.ms_per_query / bound_ms, r.recall,
                r.exact_lists >= 0
                    ? (std::to_string(r.exact_lists) + "/" + std::to_string(queries) + " ").c_str()
                    : "",
                r.note.c_str());
  }
  // Ratios: rtcc's default (auto) kernel against FAISS's best, single query and batch.
  const std::string best = "rtcc " + std::string(KernelName(ResolveKernel(SearchKernel::kAuto)));
  const auto find = [&](const std::string& method, unsigned threads) {
    for (const Row& r : table) {
      if (r.method == method && r.threads == threads) return r.ms_per_query;
    }
    return -1.0;
  };
  std::printf("\nratios rtcc (%s) / FAISS, lower is better:\n", best.c_str());
  for (unsigned t : {1u, 2u}) {
    const double faiss_single =
        std::min(find("FAISS IndexFlatIP", t), find("FAISS IndexFlatL2", t));
    const std::string batch_suffix = " batch of " + std::to_string(queries);
    const double faiss_batch = std::min(find("FAISS IndexFlatIP" + batch_suffix, t),
                                        find("FAISS IndexFlatL2" + batch_suffix, t));
    std::printf("  %u thread(s): single query %.3f / %.3f = %.3f; batch %.3f / %.3f = %.3f\n", t,
                find(best, t), faiss_single, find(best, t) / faiss_single,
                find(best + batch_suffix, t), faiss_batch,
                find(best + batch_suffix, t) / faiss_batch);
  }
  for (unsigned t : {1u, 2u}) bw[t] = ReadBandwidth(data.data(), data.size(), t, pool);
  std::printf("read bandwidth again at the end: 1 thread %.1f GB/s, 2 threads %.1f GB/s\n",
              bw[1].best, bw[2].best);
  {
    std::ifstream load("/proc/loadavg");
    std::string avg;
    std::getline(load, avg);
    std::printf("load average at the end: %s\n", avg.c_str());
  }
  PrintMemory("after the search runs");
  return 0;
}
