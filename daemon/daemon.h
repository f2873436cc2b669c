// rtccd's service: owns the store, spool, templates, face engine, gallery and mail clients, and
// runs one tick of work (intake, searches, notices, outbox) every poll interval on a Boost.Asio
// loop until stopped by SIGTERM/SIGINT or after a given number of ticks.
#pragma once

#include <memory>

#include "config/config.h"

namespace rtcc::daemon {

class Daemon {
 public:
  // Opens everything the configuration names; throws (with a sentence saying what and where)
  // when something is missing: models, templates, data directory, gallery.
  explicit Daemon(const config::Config& config);
  ~Daemon();

  // Runs until a signal arrives or, when `max_ticks` > 0, after that many ticks. Returns the
  // process exit code.
  int Run(int max_ticks);

  // One tick: everything that is due, each part isolated from the others' failures.
  void Tick();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace rtcc::daemon
