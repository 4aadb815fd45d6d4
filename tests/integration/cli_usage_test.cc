// The cairn command line as a kcat or rpk user meets it: global flags anywhere, singular nouns,
// help for a bare command, did-you-mean for a typo and exit code 2 for every usage mistake.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <regex>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

RunResult cairn(std::vector<std::string> args) {
  args.insert(args.begin(), cairn_path());
  return run_program(args, std::nullopt, std::chrono::seconds(60));
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CliUsage, TheBrokerFlagWorksBeforeOrAfterTheCommandAndAsDashB) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto created = cairn({"topics", "create", "orders", "--broker", broker.address()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(cairn({"-b", broker.address(), "topics", "list"}).out, "orders\n");
  EXPECT_EQ(cairn({"topics", "list", "-b", broker.address()}).out, "orders\n");
  EXPECT_EQ(cairn({"topics", "-b", broker.address(), "list"}).out, "orders\n");
}

TEST(CliUsage, SingularNounsAreTheSameCommands) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topic", "create", "t"}).exit_code, 0);
  EXPECT_EQ(cli(broker.address(), {"topic", "list"}).out, "t\n");
  auto groups = cli(broker.address(), {"group", "list"});
  EXPECT_EQ(groups.exit_code, 0) << groups.err;
}

TEST(CliUsage, TopicsCreateAndDeleteSayWhatTheyDidAndIfNotExistsAcceptsAnExistingTopic) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto created = cli(broker.address(), {"topics", "create", "greetings", "--partitions", "2"});
  EXPECT_EQ(created.out, "created topic greetings with 2 partitions\n") << created.err;
  auto again = cli(broker.address(), {"topics", "create", "greetings"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("TOPIC_ALREADY_EXISTS"), std::string::npos) << again.err;
  auto if_not = cli(broker.address(), {"topics", "create", "greetings", "--if-not-exists"});
  EXPECT_EQ(if_not.exit_code, 0) << if_not.err;
  EXPECT_EQ(if_not.out, "topic greetings exists\n");
  auto deleted = cli(broker.address(), {"topics", "delete", "greetings"});
  EXPECT_EQ(deleted.out, "deleted topic greetings\n") << deleted.err;
}

TEST(CliUsage, ABareCommandPrintsItsHelpAndExitsZero) {
  auto bare = cairn({});
  EXPECT_EQ(bare.exit_code, 0) << bare.err;
  EXPECT_NE(bare.out.find("Subcommands:"), std::string::npos) << bare.out;
  EXPECT_NE(bare.out.find("consume"), std::string::npos) << bare.out;
  auto topics = cairn({"topics"});
  EXPECT_EQ(topics.exit_code, 0) << topics.err;
  EXPECT_NE(topics.out.find("describe"), std::string::npos) << topics.out;
  auto help = cairn({"help", "topic", "create"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--partitions"), std::string::npos) << help.out;
}

TEST(CliUsage, EveryUsageMistakeExitsTwoWithOneLineThatSaysWhatWasMeant) {
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  for (const auto& c : std::vector<Case>{
           {{"topics", "lsit"},
            "cairn: unknown command 'lsit' for 'cairn topics' (did you mean 'list'?)\n"},
           {{"consum", "x"},
            "cairn: unknown command 'consum' for 'cairn' (did you mean 'consume'?)\n"},
           {{"consume", "t", "--cout", "1"},
            "cairn: unknown flag --cout for 'cairn consume' (did you mean --count?)\n"},
           {{"topics", "list", "--brokr", "x"},
            "cairn: unknown flag --brokr for 'cairn topics list' (did you mean --broker?)\n"},
           {{"consume", "t", "--count", "many"}, ""},
           {{"topics", "create"}, ""},
           {{"completion", "fish"}, ""},
       }) {
    auto r = cairn(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.front() << ": " << r.err;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("cairn: ", 0), 0u) << r.err;
    if (!c.expected.empty()) {
      EXPECT_EQ(r.err, c.expected);
    }
  }
}

TEST(CliUsage, VersionNamesTheGitCommitForBothPrograms) {
  static const std::regex line(
      R"(cairnd? \d+\.\d+\.\d+ \(git ([0-9a-f]{12}(-dirty)?|unknown)\)\n)");
  for (const auto& r : {cairn({"--version"}), cairn({"version"}), cairn({"-V"}),
                        run_program({cairnd_path(), "--version"})}) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_match(r.out, line)) << r.out;
  }
}

TEST(CliUsage, CompletionScriptsAndTheManPageComeFromTheCommandTree) {
  auto bash = cairn({"completion", "bash"});
  EXPECT_EQ(bash.exit_code, 0) << bash.err;
  EXPECT_NE(bash.out.find("complete -o default -F _cairn_complete cairn"), std::string::npos);
  EXPECT_NE(bash.out.find("cairn/groups/reset-offsets"), std::string::npos);
  auto zsh = cairn({"completion", "zsh"});
  EXPECT_EQ(zsh.out.rfind("#compdef cairn\n", 0), 0u) << zsh.out;
  auto man = cairn({"help", "--man"});
  EXPECT_NE(man.out.find(".SS \\fBcairn consume\\fR"), std::string::npos) << man.out;
  auto daemon_man = run_program({cairnd_path(), "--man-page"});
  EXPECT_NE(daemon_man.out.find("\\fB\\-\\-print\\-config\\fR"), std::string::npos)
      << daemon_man.out;
  EXPECT_EQ(daemon_man.out.find("man\\-page"), std::string::npos);
}

// A loopback listener that is not a Cairn broker: to each connection it sends `reply` once the
// client has written something, then holds the connection open (or closes it at once).
class NotABroker {
 public:
  NotABroker(std::string reply, bool close_at_once = false)
      : reply_(std::move(reply)), close_(close_at_once) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t size = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    address_ = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    thread_ = std::thread([this] { serve(); });
  }
  ~NotABroker() {
    stop_ = true;
    thread_.join();
    for (int c : clients_) ::close(c);
    ::close(fd_);
  }
  const std::string& address() const { return address_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      if (close_) {
        ::close(client);
        continue;
      }
      clients_.push_back(client);
      char request[256];
      pollfd q{client, POLLIN, 0};
      if (::poll(&q, 1, 5000) == 1 && ::recv(client, request, sizeof request, 0) > 0 &&
          !reply_.empty()) {
        ::send(client, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      }
    }
  }

  std::string reply_;
  bool close_;
  int fd_ = -1;
  std::string address_;
  std::atomic<bool> stop_{false};
  std::vector<int> clients_;
  std::thread thread_;
};

TEST(CliUsage, APeerThatIsNotACairnBrokerIsNamedAsSuch) {
  NotABroker http("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  auto r = cairn({"topics", "list", "-b", http.address()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "cairn: " + http.address() +
                       " is not a Cairn broker: it answered with text 'HTTP...' (this looks like "
                       "an HTTP server)\n");

  NotABroker kafka(std::string("\0\0\0\x0c\0\0\0\x01\0\x23\0\0\0\0\0\0", 16));
  auto k = cairn({"topics", "list", "-b", kafka.address()});
  EXPECT_EQ(k.exit_code, 3);
  EXPECT_NE(k.err.find("this looks like a Kafka broker"), std::string::npos) << k.err;

  NotABroker closing("", /*close_at_once=*/true);
  auto c = cairn({"topics", "list", "-b", closing.address()});
  EXPECT_EQ(c.exit_code, 3);
  EXPECT_NE(
      c.err.find("closed the connection without answering ApiVersions: is it a Cairn broker?"),
      std::string::npos)
      << c.err;
}

TEST(CliUsage, ASilentListenerFailsAfterTheFiveSecondConnectTimeoutNotThirty) {
  NotABroker silent("");
  auto start = std::chrono::steady_clock::now();
  auto r = cairn({"topics", "list", "-b", silent.address()});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("did not answer within 5000 ms: is it a Cairn broker?"), std::string::npos)
      << r.err;
  EXPECT_LT(took, std::chrono::seconds(20));
}

}  // namespace
}  // namespace cairn::testing
