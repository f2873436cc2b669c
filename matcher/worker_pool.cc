#include "matcher/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>

namespace rtcc::matcher {

struct WorkerPool::Job {
  const std::function<void(unsigned, std::size_t)>* fn = nullptr;
  std::size_t tasks = 0;
  unsigned max_slots = 1;
  std::atomic<std::size_t> next{0};
  unsigned slots_taken = 1;  // slot 0 is the caller's; guarded by the pool's mutex

  std::mutex mutex;  // guards done and error
  std::condition_variable finished;
  std::size_t done = 0;
  std::exception_ptr error;
};

WorkerPool::WorkerPool(unsigned threads) {
  const unsigned workers = threads > 1 ? threads - 1 : 0;
  workers_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

WorkerPool& WorkerPool::Default() {
  static WorkerPool pool(std::max(1u, std::thread::hardware_concurrency()));
  return pool;
}

void WorkerPool::Work(Job& job, unsigned slot) {
  std::size_t mine = 0;
  std::exception_ptr error;
  for (;;) {
    const std::size_t task = job.next.fetch_add(1, std::memory_order_relaxed);
    if (task >= job.tasks) break;
    try {
      (*job.fn)(slot, task);
    } catch (...) {
      if (!error) error = std::current_exception();
    }
    ++mine;
  }
  if (mine == 0) return;
  std::lock_guard lock(job.mutex);
  if (error && !job.error) job.error = error;
  job.done += mine;
  if (job.done == job.tasks) job.finished.notify_all();
}

void WorkerPool::WorkerLoop() {
  for (;;) {
    std::shared_ptr<Job> job;
    unsigned slot = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = queue_.front();
      slot = job->slots_taken++;
      if (job->slots_taken >= job->max_slots) queue_.pop_front();  // no room for more helpers
    }
    // The caller may have finished every task already: then nothing is claimed and fn, which
    // lives on the caller's stack, is not touched.
    Work(*job, slot);
  }
}

void WorkerPool::Run(std::size_t tasks, unsigned max_threads,
                     const std::function<void(unsigned, std::size_t)>& fn) {
  if (tasks == 0) return;
  const unsigned helpers =
      std::min<std::size_t>({static_cast<std::size_t>(max_threads > 0 ? max_threads - 1 : 0),
                             workers_.size(), tasks - 1});
  if (helpers == 0) {
    for (std::size_t t = 0; t < tasks; ++t) fn(0, t);
    return;
  }
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->tasks = tasks;
  job->max_slots = helpers + 1;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(job);
  }
  if (helpers == 1) {
    wake_.notify_one();
  } else {
    wake_.notify_all();
  }
  Work(*job, 0);
  {
    // Helpers that have not started yet must not start on it now.
    std::lock_guard lock(mutex_);
    const auto it = std::find(queue_.begin(), queue_.end(), job);
    if (it != queue_.end()) queue_.erase(it);
  }
  std::unique_lock lock(job->mutex);
  job->finished.wait(lock, [&] { return job->done == job->tasks; });
  if (job->error) std::rethrow_exception(job->error);
}

}  // namespace rtcc::matcher
