// intake_bench: how many requests per second rtccd's intake takes from the mailbox into the
// queue — each request e-mail carrying a 1 MB JPEG — against the real loopback Dovecot, with
// every fsync on (spool file, directory, SQLite FULL synchronous). Issue 4's goal: >= 50/s.
//
// Reference, measured in the same run on the same messages: fetching them over IMAP and nothing
// else (the floor intake cannot go below). Printed: both rates and intake/reference.
//
//   build/bench/intake_bench [--messages N]    (root: it starts scripts/mailstack.sh)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "casework/spool.h"
#include "casework/store.h"
#include "daemon/intake_job.h"
#include "templates/template_set.h"
#include "testing/mail_stack.h"
#include "testing/test_images.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  int n = 200;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--messages") == 0) n = std::atoi(argv[i + 1]);
  if (::geteuid() != 0) {
    std::fprintf(stderr, "intake_bench: run as root (it starts the loopback mail stack)\n");
    return 2;
  }
  auto dir =
      std::filesystem::temp_directory_path() / ("rtcc-intake-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    rtcc::testing::MailStack stack(dir / "mail");
    std::string jpeg = rtcc::testing::LargeFaceJpeg(1'000'000);
    auto path = dir / "probe.jpg";
    {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      std::fwrite(jpeg.data(), 1, jpeg.size(), f);
      std::fclose(f);
    }
    std::printf("delivering %d requests with a %.2f MB JPEG each...\n", n, jpeg.size() / 1e6);
    for (int i = 0; i < n; ++i)
      stack.Inject(
          "detective@pd.test", "rtcc@pd.test",
          rtcc::testing::RequestMessage("detective@pd.test", "bench " + std::to_string(i),
                                        "bench-" + std::to_string(i) + "@pd.test",
                                        "Incident Type: Robbery\r\nPurpose: suspect\r\n", {path}));
    stack.WaitForMessages("RTCC", n, "INBOX", 300);

    // Reference: fetch every message, nothing else.
    auto imap = stack.Imap("RTCC");
    auto t0 = Clock::now();
    auto status = imap.Examine("INBOX");
    std::size_t bytes = 0;
    for (auto uid : imap.SearchUids("INBOX", "ALL"))
      bytes += imap.FetchMessage("INBOX", status.uidvalidity, uid).size();
    double fetch_s = Seconds(t0);

    // rtcc's intake: fetch, spool (fsync), commit, parse, file the request, queue the
    // acknowledgement, move — everything but sending the reply.
    rtcc::casework::Store store(dir / "rtcc.sqlite");
    rtcc::casework::Spool spool(dir / "spool");
    rtcc::templates::TemplateSet templates(RTCC_BENCH_TEMPLATES_DIR,
                                           rtcc::daemon::RequiredTemplates());
    rtcc::daemon::ThreadToken tokens(std::string(32, 'b'));
    rtcc::daemon::ReplyComposer replies(templates, {"rtcc@pd.test", "RTCC", "RTCC"}, tokens);
    rtcc::config::MailboxSettings mailbox;
    mailbox.batch_size = n;
    rtcc::config::SenderRules senders;
    senders.allowed_domains = {"pd.test"};
    rtcc::daemon::IntakeJob intake(store, spool, replies, tokens,
                                   {mailbox, senders, "rtcc@pd.test", 10, {}});
    intake.PrepareMailbox(imap);
    t0 = Clock::now();
    int taken = intake.Poll(imap);
    double intake_s = Seconds(t0);

    std::printf("messages                  %d (%.1f MB in all)\n", taken, bytes / 1e6);
    std::printf("reference: IMAP fetch     %7.1f messages/s\n", n / fetch_s);
    std::printf("rtcc intake (fsync on)    %7.1f requests/s\n", taken / intake_s);
    std::printf("intake / reference        %7.2f (of the fetch rate)\n",
                (taken / intake_s) / (n / fetch_s));
    std::printf("queued requests           %zu\n", store.ListRequests().size());
  }
  std::filesystem::remove_all(dir);
  return 0;
}
