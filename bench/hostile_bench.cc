// hostile_bench: the time rtccd's intake spends on each message of the hostile corpus
// (testing/hostile_mail.h), from an allowed sender and from an outsider, against a reference
// measured in the same run: a normal request of about 1 MB carrying one face JPEG.
//
// The path timed is intake's after the fetch: spool the raw message (synced), record its row,
// then IntakeJob processing (IntakeJob::Read: mail::ParseMimeMessage of the whole message, or of
// a stranger's header only; describe, casework, reply queued, one transaction). The read alone
// is printed beside it ("read ms"). Each measurement runs in a child
// process on an empty store (libmagic and the templates are loaded before the fork), so a message
// that crashes or hangs is reported as such and the run goes on. No mail server is needed.
//
//   build/bench/hostile_bench [--repeat N] [--timeout SECONDS] [--only NAME]
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "casework/spool.h"
#include "casework/store.h"
#include "daemon/intake_job.h"
#include "mail/mime_message.h"
#include "templates/template_set.h"
#include "testing/base64.h"
#include "testing/hostile_mail.h"
#include "testing/test_images.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace casework = rtcc::casework;
namespace config = rtcc::config;
namespace daemon = rtcc::daemon;
namespace mail = rtcc::mail;
namespace templates = rtcc::templates;

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// The reference: an ordinary request from the allowed sender, fields and one face JPEG (740 KB:
// about 1 MB as base64).
std::string ReferenceRequest(const std::string& jpeg) {
  return "From: Detective Test <detective@pd.test>\r\nTo: RTCC <rtcc@pd.test>\r\n"
         "Subject: FR request\r\nMessage-ID: <reference@pd.test>\r\n"
         "Date: Wed, 25 Nov 2026 10:00:00 -0500\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"=-ref\"\r\n\r\n"
         "--=-ref\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
         "Incident Type: Robbery\r\nIncident Number: 2026-000123\r\nPurpose: suspect\r\n\r\n"
         "--=-ref\r\nContent-Type: image/jpeg; name=\"probe.jpg\"\r\n"
         "Content-Disposition: attachment; filename=\"probe.jpg\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n" +
         rtcc::testing::Base64Lines(jpeg) + "--=-ref--\r\n";
}

struct Result {
  bool ok = false;
  std::string failure;  // "signal 11 (Segmentation fault)", "timeout after 120 s", ...
  double parse_ms = 0;
  double total_ms = 0;
  std::string kind;  // the disposition (messages.kind); "NOT HANDLED" when left for a retry
};

// Runs in the child: an empty store, then the timed intake of `raw`. Writes one line to `fd`.
void MeasureInChild(const fs::path& dir, const std::string& raw, const std::string& message_id,
                    int fd) {
  casework::Store store(dir / "db.sqlite");
  casework::Spool spool(dir / "spool");
  templates::TemplateSet templates(RTCC_BENCH_TEMPLATES_DIR, daemon::RequiredTemplates());
  daemon::ThreadToken tokens(std::string(32, 'b'));
  daemon::ReplyComposer replies(templates, {"rtcc@pd.test", "RTCC", "RTCC"}, tokens);
  config::SenderRules senders;
  senders.allowed_domains = {"pd.test"};
  daemon::IntakeJob job(store, spool, replies, tokens,
                        {config::MailboxSettings{}, senders, "rtcc@pd.test", 10, {}});

  auto t0 = Clock::now();
  mail::MimeMessage parsed = job.Read(raw);  // all of it, or a stranger's header only
  double parse_ms = Ms(t0);

  t0 = Clock::now();
  std::string sha = spool.PutDeferred("messages", raw);
  spool.Sync();
  store.messages().Record(
      {"INBOX", 1, 1, sha, message_id, static_cast<std::int64_t>(raw.size()), false});
  job.ProcessSpooled();
  double total_ms = Ms(t0);

  auto row = store.messages().Find("INBOX", 1, 1);
  std::string kind = row && row->status == casework::MessageStatus::kProcessed
                         ? casework::Word(row->kind)
                         : "NOT_HANDLED";
  std::string line = std::to_string(parse_ms) + " " + std::to_string(total_ms) + " " + kind + "\n";
  if (::write(fd, line.data(), line.size()) < 0) _exit(3);
}

Result Measure(const std::string& raw, const std::string& message_id, int timeout_s) {
  fs::path dir = fs::temp_directory_path() / ("rtcc-hostile-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  std::fflush(stdout);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    try {
      MeasureInChild(dir, raw, message_id, fds[1]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "exception: %s\n", e.what());
      _exit(2);
    }
    _exit(0);
  }
  ::close(fds[1]);
  Result r;
  std::string out;
  pollfd p{fds[0], POLLIN, 0};
  auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  while (true) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(&p, 1, left) <= 0) continue;
    char buf[256];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  fs::remove_all(dir);
  if (timed_out) {
    r.failure = "TIMEOUT after " + std::to_string(timeout_s) + " s";
  } else if (WIFSIGNALED(status)) {
    r.failure = "CRASH: signal " + std::to_string(WTERMSIG(status)) + " (" +
                ::strsignal(WTERMSIG(status)) + ")";
  } else if (WEXITSTATUS(status) != 0 || out.empty()) {
    r.failure = "FAILED: exit status " + std::to_string(WEXITSTATUS(status));
  } else {
    char kind[64] = "";
    if (std::sscanf(out.c_str(), "%lf %lf %63s", &r.parse_ms, &r.total_ms, kind) == 3) {
      r.ok = true;
      r.kind = kind;
    } else {
      r.failure = "FAILED: unreadable result " + out;
    }
  }
  return r;
}

// The median of `repeat` measurements (the first failure, if any, stands for all).
Result MeasureMedian(const std::string& raw, const std::string& message_id, int repeat,
                     int timeout_s) {
  std::vector<Result> runs;
  for (int i = 0; i < repeat; ++i) {
    Result r = Measure(raw, message_id, timeout_s);
    if (!r.ok) return r;
    runs.push_back(r);
  }
  std::sort(runs.begin(), runs.end(),
            [](const Result& a, const Result& b) { return a.total_ms < b.total_ms; });
  Result median = runs[runs.size() / 2];
  std::vector<double> parses;
  for (const auto& r : runs) parses.push_back(r.parse_ms);
  std::sort(parses.begin(), parses.end());
  median.parse_ms = parses[parses.size() / 2];
  return median;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  int timeout_s = 300;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--timeout") == 0) timeout_s = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  spdlog::set_level(spdlog::level::warn);

  std::string reference = ReferenceRequest(rtcc::testing::LargeFaceJpeg(740'000));
  // Loaded before any fork: libmagic's database (the first parse) and the templates.
  mail::ParseMimeMessage(reference);
  templates::TemplateSet warm(RTCC_BENCH_TEMPLATES_DIR, daemon::RequiredTemplates());

  Result ref = MeasureMedian(reference, "reference@pd.test", std::max(repeat, 5), timeout_s);
  if (!ref.ok) {
    std::fprintf(stderr, "reference failed: %s\n", ref.failure.c_str());
    return 1;
  }
  double ref_mb = reference.size() / 1e6;
  double ref_per_mb = ref.total_ms / ref_mb;
  std::printf(
      "reference: normal request, %.2f MB (one face JPEG): read %.1f ms, intake %.1f ms "
      "(%.1f ms/MB), %s; median of %d\n\n",
      ref_mb, ref.parse_ms, ref.total_ms, ref_per_mb, ref.kind.c_str(), std::max(repeat, 5));
  std::printf("%-28s %-8s %6s %9s %9s %8s %8s  %s\n", "message", "sender", "MB", "read ms",
              "intake ms", "x ref", "x ref/MB", "disposition");

  struct Worst {
    std::string what;
    double ms = -1;
    double ratio = 0;
    double per_mb_ratio = 0;
  } worst;
  std::vector<std::string> failures;
  for (const auto& name : rtcc::testing::HostileMessageNames()) {
    if (!only.empty() && name != only) continue;
    for (const std::string from : {"detective@pd.test", "stranger@outside.test"}) {
      std::string sender = from == "detective@pd.test" ? "allowed" : "outsider";
      auto m = rtcc::testing::BuildHostileMessage(name, from);
      double mb = m.raw.size() / 1e6;
      Result r = MeasureMedian(m.raw, m.message_id, repeat, timeout_s);
      if (!r.ok) {
        std::printf("%-28s %-8s %6.2f  %s\n", name.c_str(), sender.c_str(), mb, r.failure.c_str());
        failures.push_back(name + " (" + sender + "): " + r.failure);
        continue;
      }
      double ratio = r.total_ms / ref.total_ms;
      double per_mb_ratio = (r.total_ms / mb) / ref_per_mb;
      std::printf("%-28s %-8s %6.2f %9.1f %9.1f %8.2f %8.2f  %s\n", name.c_str(), sender.c_str(),
                  mb, r.parse_ms, r.total_ms, ratio, per_mb_ratio, r.kind.c_str());
      std::fflush(stdout);
      if (r.total_ms > worst.ms)
        worst = {
            name + " from the " + sender + " sender (" + std::to_string(mb).substr(0, 5) + " MB)",
            r.total_ms, ratio, per_mb_ratio};
    }
  }
  std::printf("\n");
  for (const auto& f : failures) std::printf("NOT MEASURED: %s\n", f.c_str());
  if (worst.ms >= 0)
    std::printf(
        "worst: %s: %.1f ms per message, x%.2f the 1 MB reference (%.1f ms), x%.2f per MB\n",
        worst.what.c_str(), worst.ms, worst.ratio, ref.total_ms, worst.per_mb_ratio);
  return failures.empty() ? 0 : 1;
}
