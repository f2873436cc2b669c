#include "daemon/daemon.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>

#include "casework/outcomes.h"
#include "casework/retention.h"
#include "casework/spool.h"
#include "casework/store.h"
#include "daemon/denial_notice_job.h"
#include "daemon/intake_job.h"
#include "daemon/outbox_job.h"
#include "daemon/reminder_job.h"
#include "daemon/reply_composer.h"
#include "daemon/search_job.h"
#include "mail/imap_client.h"
#include "mail/smtp_client.h"
#include "matcher/face_engine.h"
#include "matcher/gallery.h"
#include "templates/template_set.h"

namespace rtcc::daemon {

namespace {

std::vector<casework::ProhibitedPhrase> ProhibitedPhrases(const config::Config& c) {
  std::vector<casework::ProhibitedPhrase> out;
  for (const auto& [phrase, clause] : c.prohibited_phrases) out.push_back({phrase, clause});
  return out;
}

}  // namespace

struct Daemon::Parts {
  explicit Parts(const config::Config& c)
      : config(c),
        store((MakePrivateDir(c.data_dir), c.database_path())),
        spool(c.spool_dir()),
        templates(c.templates_dir, RequiredTemplates()),
        tokens(ThreadToken::FromFile((MakePrivateDir(c.data_dir), c.reply_token_secret_file))),
        replies(templates, {c.smtp.from, c.smtp.from_name, c.smtp.signature}, tokens),
        engine(matcher::FaceEngine::Load(c.engine)),
        gallery(matcher::Gallery::Open(c.gallery_path())),
        intake(store, spool, replies, tokens,
               {c.imap, c.senders, c.smtp.from, c.max_automatic_replies_per_request,
                ProhibitedPhrases(c), c.max_probes_per_message, c.incident_number_format}),
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
  ThreadToken tokens;
  ReplyComposer replies;
  std::unique_ptr<matcher::FaceEngine> engine;
  std::unique_ptr<matcher::Gallery> gallery;
  IntakeJob intake;
  SearchJob search;
  std::unique_ptr<mail::ImapClient> imap;
  std::unique_ptr<mail::SmtpClient> smtp;
  bool mailbox_prepared = false;
  // IMAP failures: reported once, retried with exponential backoff (1 s doubling to 5 min).
  int imap_failures = 0;
  std::chrono::steady_clock::time_point imap_retry_at{};
  bool more_mail = false;                            // the last poll stopped at the batch size
  std::chrono::steady_clock::time_point purge_at{};  // next retention pass
};

Daemon::Daemon(const config::Config& config) : parts_(std::make_unique<Parts>(config)) {
  // The trail records which configuration the daemon runs with (policy 4.5.5 audit).
  parts_->store.AddEvent(std::nullopt, "rtccd", "configuration loaded",
                         config.path.string() + ": threshold " +
                             std::to_string(config.match_threshold) + ", " +
                             std::to_string(config.analysts.size()) + " analyst(s), " +
                             std::to_string(config.supervisors.size()) + " supervisor(s)");
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
  const auto now = std::chrono::steady_clock::now();
  // 1. Intake. A mail server that is down is reported once, retried with backoff, and reported
  //    again when it recovers.
  p.more_mail = false;
  if (now >= p.imap_retry_at) {
    try {
      if (!p.imap) p.imap = std::make_unique<mail::ImapClient>(p.config.imap.server);
      if (!p.mailbox_prepared) {
        p.intake.PrepareMailbox(*p.imap);
        // Messages recorded before a crash but not processed; afterwards Poll finishes any such
        // message it finds in the inbox (each attempt counted once).
        p.intake.ProcessSpooled();
        p.mailbox_prepared = true;
      }
      int taken = p.intake.Poll(*p.imap, &p.more_mail);
      if (p.imap_failures > 0)
        spdlog::info("IMAP server reachable again after {} failed attempt(s)", p.imap_failures);
      p.imap_failures = 0;
      if (taken > 0) spdlog::info("took {} message(s) from {}", taken, p.config.imap.inbox);
    } catch (const mail::MailError& e) {
      auto delay = std::chrono::seconds(std::min(300, 1 << std::min(p.imap_failures, 8)));
      if (p.imap_failures == 0) spdlog::error("IMAP: {} (retrying with backoff)", e.what());
      ++p.imap_failures;
      p.imap_retry_at = now + delay;
      p.imap.reset();  // reconnect next time
      p.mailbox_prepared = false;
    } catch (const std::exception& e) {
      spdlog::error("intake: {}", e.what());
    }
  }
  // 2. Approved searches, 3. denial notices.
  try {
    p.search.RunPending();
    QueueDenialNotices(p.store, p.replies);
  } catch (const std::exception& e) {
    spdlog::error("searches: {}", e.what());
  }
  // 3b. Outcome reminders (policy 4.5.3.3); retention once a day.
  try {
    QueueOutcomeReminders(p.store, p.replies, p.config.outcome_reminder_days,
                          p.config.outcome_max_reminders);
    if (now >= p.purge_at) {
      auto report =
          casework::PurgeExpired(p.store, p.spool, p.config.retention_days, "rtccd", false);
      if (!report.requests.empty())
        spdlog::info("retention: purged {} request(s), {} spool file(s)", report.requests.size(),
                     report.files_removed);
      p.purge_at = now + std::chrono::hours(24);
    }
  } catch (const std::exception& e) {
    spdlog::error("reminders and retention: {}", e.what());
  }
  // 4. Outbox. The IMAP connection, when up, serves the Sent-folder checks.
  try {
    if (!p.smtp) p.smtp = std::make_unique<mail::SmtpClient>(p.config.smtp.server);
    SendPendingMail(p.store, *p.smtp, p.imap_failures == 0 ? p.imap.get() : nullptr,
                    {p.config.smtp.from, p.config.smtp.sent_copy, p.config.smtp.sent_folder,
                     p.config.smtp.resend_after_seconds});
  } catch (const mail::MailError& e) {
    spdlog::error("outbox: {}", e.what());
    if (e.code() != CURLE_OK) p.imap.reset();
    p.smtp.reset();
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
  const auto interval = std::chrono::milliseconds(
      static_cast<std::int64_t>(parts_->config.poll_interval_seconds * 1000));

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
    // A poll that stopped at the batch size goes on at once; otherwise wait for the interval.
    timer.expires_after(parts_->more_mail ? std::chrono::milliseconds(0) : interval);
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
