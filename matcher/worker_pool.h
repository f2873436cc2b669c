// WorkerPool: a few threads that sleep on a condition variable until a search hands them work.
// rtcc owns its search threads itself (no OpenMP runtime): OpenMP and OpenBLAS threads busy-wait
// by default and, on the 2-vCPU machines rtcc runs on, fight the other threads for the CPU
// (../shared/notes/search-performance.md). Internal to matcher/.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rtcc::matcher {

class WorkerPool {
 public:
  // `threads` counts the calling thread: a pool of 2 starts one worker thread.
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Threads that can take part in one Run(): the caller and the workers.
  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // Calls fn(slot, task) once for every task in [0, tasks): on the calling thread (slot 0) and on
  // up to max_threads - 1 workers (slots 1, 2, ...; one slot per thread, so per-slot state needs no
  // lock). Tasks are claimed one at a time, so a slower thread simply does fewer. Returns when
  // every call has returned; rethrows the first exception one of them threw. Several threads may
  // call Run at once (their jobs share the workers).
  void Run(std::size_t tasks, unsigned max_threads,
           const std::function<void(unsigned slot, std::size_t task)>& fn);

  // A pool of std::thread::hardware_concurrency() threads, started on first use.
  static WorkerPool& Default();

 private:
  struct Job;
  void WorkerLoop();
  static void Work(Job& job, unsigned slot);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace rtcc::matcher
