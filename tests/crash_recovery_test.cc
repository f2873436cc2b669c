// Issue 4: rtccd is killed (SIGKILL) at random moments, 50 times, while a stream of requests
// arrives and analysts approve them. Afterwards every request exists exactly once, and every
// requestor got exactly one acknowledgement and, for an approved request, exactly one results
// e-mail. The kill points are random but the seed is printed, so a failure can be replayed
// (RTCC_CRASH_SEED=...).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include "testing/rtcc_site.h"

namespace rtcc::testing {
namespace {

const std::filesystem::path kProbe =
    std::filesystem::path(RTCC_TEST_FACES_DIR) / "dlib_johns/John_Salley/000179_02159509.jpg";
constexpr int kRequests = 40;
constexpr int kKills = 50;

TEST(CrashRecovery, KilledFiftyTimesLosesNothingAndDoublesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "the loopback mail stack runs Dovecot and Postfix as root";
  unsigned seed = std::random_device{}();
  if (const char* s = std::getenv("RTCC_CRASH_SEED")) seed = static_cast<unsigned>(std::stoul(s));
  std::cout << "RTCC_CRASH_SEED=" << seed << std::endl;
  std::mt19937 rng(seed);

  // Every kill is a crash to rtccd, and the messages in flight count an attempt each (issue 9);
  // the poison-message cap, tested in poison_message_test, is lifted so that this test measures
  // exactly-once delivery alone.
  RtccSite site("crash", "poll_interval_seconds = 0.1\n", "batch_size = 3\nmax_attempts = 100\n",
                "resend_after_seconds = 1\n");
  ASSERT_EQ(site.Daemon(1).exit_code, 0);  // database and folders exist before the stream starts

  // The stream: requests arrive while the daemon is being killed.
  std::atomic<int> sent{0};
  std::thread stream([&] {
    std::mt19937 r(seed + 1);
    for (int i = 0; i < kRequests; ++i) {
      site.mail().Inject(
          "detective@pd.test", "rtcc@pd.test",
          RequestMessage("detective@pd.test", "stream " + std::to_string(i),
                         "crash-" + std::to_string(i) + "@pd.test",
                         "Incident Type: Robbery\r\nPurpose: suspect\r\n", {kProbe}));
      ++sent;
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::uniform_int_distribution<>(50, 900)(r)));
    }
  });

  std::uniform_int_distribution<> alive_ms(100, 1600);
  for (int kill = 0; kill < kKills; ++kill) {
    site.StartDaemon(/*wait_until_ready=*/false);  // a kill may come while it is starting
    std::this_thread::sleep_for(std::chrono::milliseconds(alive_ms(rng)));
    site.KillDaemon();
    if (kill % 5 == 4) {  // analysts approve what waits, between crashes
      for (const auto& r : site.Store().ListRequests(casework::RequestState::kPendingApproval))
        site.Ctl("approve " + r.id + " --analyst analyst --reason \"crash test\"");
    }
  }
  stream.join();

  // Let it finish in peace: every request filed, approved ones searched, every reply sent.
  for (const auto& r : site.Store().ListRequests(casework::RequestState::kPendingApproval))
    if (std::hash<std::string>{}(r.id) % 2 == 0)
      site.Ctl("approve " + r.id + " --analyst analyst --reason late");
  site.StartDaemon();
  auto settled = [&] {
    auto store = site.Store();
    if (store.ListRequests().size() < kRequests || !store.outbox().Pending().empty()) return false;
    return store.ListRequests(casework::RequestState::kSearching).empty() &&
           store.ListRequests(casework::RequestState::kResultsSent).empty() &&
           site.mail().Messages("RTCC", "INBOX").empty();
  };
  for (int t = 0; t < 600 && !settled(); ++t)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  site.StopDaemon();
  {
    auto store = site.Store();
    ASSERT_TRUE(settled()) << store.ListRequests().size() << " of " << kRequests
                           << " requests filed, " << store.outbox().Pending().size()
                           << " replies unsent, " << site.mail().Messages("RTCC", "INBOX").size()
                           << " messages left in the inbox";
  }

  auto store = site.Store();
  auto requests = store.ListRequests();
  ASSERT_EQ(requests.size(), static_cast<std::size_t>(kRequests))
      << "every request exists exactly once";
  std::map<std::string, std::string> request_of;  // incoming Message-ID -> request id
  int approved = 0;
  for (const auto& r : requests) {
    EXPECT_TRUE(request_of.emplace(r.thread_message_id, r.id).second)
        << "filed twice: " << r.thread_message_id;
    approved += r.state == casework::RequestState::kAwaitingOutcome;
  }
  EXPECT_GT(approved, 0);

  // The detective's mailbox: exactly one acknowledgement per request, one results per approval.
  site.mail().WaitForMessages("REQUESTOR", kRequests + approved);
  EXPECT_TRUE(site.mail().WaitForQueueEmpty()) << "Postfix delivered all it was handed";
  auto inbox = site.mail().Messages("REQUESTOR");
  std::map<std::string, int> acks, results;
  for (const auto& m : inbox) {
    if (m.subject.find("search results") != std::string::npos)
      ++results[m.subject];
    else
      ++acks[m.in_reply_to];
  }
  for (const auto& [message_id, id] : request_of)
    EXPECT_EQ(acks[message_id], 1) << id << " acknowledgements";
  EXPECT_EQ(acks.size(), request_of.size());
  EXPECT_EQ(static_cast<int>(results.size()), approved);
  for (const auto& [subject, n] : results) EXPECT_EQ(n, 1) << subject;
  // Nothing left behind on the server, nothing unprocessed in the store.
  EXPECT_TRUE(site.mail().Messages("RTCC", "INBOX").empty());
  EXPECT_EQ(site.mail().Messages("RTCC", "rtcc-processed").size(),
            static_cast<std::size_t>(kRequests));
  EXPECT_TRUE(store.messages().ToProcess().empty());
}

}  // namespace
}  // namespace rtcc::testing
