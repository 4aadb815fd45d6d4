// cairn produce on the client library's Producer: a broker restart in the middle of a stream of
// lines loses nothing and stores nothing twice, and the tool says so with exit code 0.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "tests/semantics/chaos_proxy.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

void write_lines(int fd, int from, int to) {
  std::string text;
  for (int i = from; i <= to; ++i) text += "value-" + std::to_string(i) + "\n";
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

TEST(CliProduce, ABrokerRestartMidStreamLosesNothingTheToolReportsAsSent) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
  ChaosProxy proxy(broker.port(), 0.0);  // a stable address in front of a broker that moves
  auto fifo = tmp.path() / "in";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Child produce({"/bin/sh", "-c", "exec \"$0\" -b \"$1\" produce t < \"$2\"", cairn_path(), proxy.address(),
                 fifo.string()},
                tmp.path() / "produce.err");
  // Close-on-exec: the restarted broker must not hold the pipe open after the test closes it.
  int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);  // waits for the tool to open it
  ASSERT_GE(fd, 0);
  write_lines(fd, 1, 500);
  // Until the broker has some of them, then a stop and a restart on another port.
  for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
       std::chrono::steady_clock::now() < end;) {
    auto d = cli(broker.address(), {"consume", "t", "-e", "-c", "1"});
    if (!d.out.empty()) break;
  }
  ASSERT_EQ(broker.stop(), 0) << broker.log();
  write_lines(fd, 501, 1000);
  broker.restart();
  proxy.set_upstream(broker.port());
  ::close(fd);
  auto rc = produce.wait(std::chrono::seconds(150));
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 0) << read_file(tmp.path() / "produce.err");

  auto all = cli(broker.address(), {"consume", "t", "-e"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::multiset<std::string> values;
  std::istringstream in(all.out);
  for (std::string line; std::getline(in, line);) values.insert(line);
  EXPECT_EQ(values.size(), 1000u);
  for (int i = 1; i <= 1000; ++i) EXPECT_EQ(values.count("value-" + std::to_string(i)), 1u) << i;
}

}  // namespace
}  // namespace cairn::testing
