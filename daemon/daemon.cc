#include "daemon/daemon.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <boost/asio.hpp>
#include <chrono>

#include "casework/spool.h"
#include "casework/store.h"
#include "daemon/intake_job.h"
#include "daemon/outbox_job.h"
#include "daemon/reply_composer.h"
#include "daemon/search_job.h"
#include "mail/imap_client.h"
#include "mail/smtp_client.h"
#include "matcher/face_engine.h"
#include "matcher/gallery.h"
#include "templates/template_set.h"

namespace rtcc::daemon {

struct Daemon::Parts {
  explicit Parts(const config::Config& c)
      : config(c),
        store((MakePrivateDir(c.data_dir), c.database_path())),
        spool(c.spool_dir()),
        templates(c.templates_dir, RequiredTemplates()),
        replies(templates, {c.smtp.from, c.smtp.from_name, c.smtp.signature}),
        engine(matcher::FaceEngine::Load(c.engine)),
        gallery(matcher::Gallery::Open(c.gallery_path())),
        intake(store, spool, replies, c.imap,
               {c.allowed_sender_domains, c.allowed_sender_addresses}, c.smtp.from),
        search(store, spool, *engine, *gallery, replies, c.match_threshold) {
    replies.SelfCheck();
    gallery->CheckModel(engine->model_id());
  }

  static void MakePrivateDir(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    ::chmod(dir.c_str(), 0700);
  }

  config::Config config;
  casework::Store store;
  casework::Spool spool;
  templates::TemplateSet templates;
  ReplyComposer replies;
  std::unique_ptr<matcher::FaceEngine> engine;
  std::unique_ptr<matcher::Gallery> gallery;
  IntakeJob intake;
  SearchJob search;
  std::unique_ptr<mail::ImapClient> imap;
  std::unique_ptr<mail::SmtpClient> smtp;
  bool mailbox_prepared = false;
  bool imap_failing = false;
};

Daemon::Daemon(const config::Config& config) : parts_(std::make_unique<Parts>(config)) {
  spdlog::info(
      "rtccd ready: data {}, gallery of {} face(s) / {} subject(s), model {}, threshold {:.2f}",
      config.data_dir.string(), parts_->gallery->face_count(), parts_->gallery->subject_count(),
      parts_->engine->model_id(), config.match_threshold);
  if (parts_->gallery->face_count() == 0)
    spdlog::warn(
        "the gallery is empty: every search will find no candidate (enrol with 'rtccctl gallery "
        "enroll DIR')");
}

Daemon::~Daemon() = default;

void Daemon::Tick() {
  Parts& p = *parts_;
  // 1. Intake. A mail server that is down is reported once, then again when it recovers.
  try {
    if (!p.imap) p.imap = std::make_unique<mail::ImapClient>(p.config.imap.server);
    if (!p.mailbox_prepared) {
      p.intake.PrepareMailbox(*p.imap);
      p.mailbox_prepared = true;
    }
    p.intake.ProcessSpooled();
    int taken = p.intake.Poll(*p.imap);
    if (p.imap_failing) spdlog::info("IMAP server reachable again");
    p.imap_failing = false;
    if (taken > 0) spdlog::info("took {} message(s) from {}", taken, p.config.imap.inbox);
  } catch (const mail::MailError& e) {
    if (!p.imap_failing) spdlog::error("IMAP: {} (will keep retrying every tick)", e.what());
    p.imap_failing = true;
    p.imap.reset();  // reconnect next tick
  } catch (const std::exception& e) {
    spdlog::error("intake: {}", e.what());
  }
  // 2. Approved searches, 3. denial notices.
  try {
    p.search.RunPending();
    QueueDenialNotices(p.store, p.replies);
  } catch (const std::exception& e) {
    spdlog::error("searches: {}", e.what());
  }
  // 4. Outbox.
  try {
    if (!p.smtp) p.smtp = std::make_unique<mail::SmtpClient>(p.config.smtp.server);
    SendPendingMail(p.store, *p.smtp, p.config.smtp.from);
  } catch (const std::exception& e) {
    spdlog::error("outbox: {}", e.what());
    p.smtp.reset();
  }
}

int Daemon::Run(int max_ticks) {
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer timer(io);
  int ticks = 0;
  const auto interval = std::chrono::seconds(parts_->config.poll_interval_seconds);

  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signo);
    sd_notify(0, "STOPPING=1");
    io.stop();
  });

  std::function<void()> tick = [&] {
    Tick();
    sd_notify(0, "WATCHDOG=1");
    if (max_ticks > 0 && ++ticks >= max_ticks) {
      io.stop();
      return;
    }
    timer.expires_after(interval);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  boost::asio::post(io, tick);
  sd_notify(0, "READY=1\nSTATUS=polling the RTCC mailbox");
  io.run();
  return 0;
}

}  // namespace rtcc::daemon
